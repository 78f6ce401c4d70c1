package org.sparetire.tftp.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestTargetTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/ipxe.efi                      | /ipxe.efi",
        "/boot/vmlinuz?arch=x64#frag    | /boot/vmlinuz",
        "http://10.0.0.1:8070/boot.ipxe | /boot.ipxe",
        "http://10.0.0.1:8070           | /",
        "/%2e%2e/secret.txt             | /../secret.txt",
        "/%2E%2E%5Csecret.txt           | /..\\secret.txt",
        "/a%20b+c                       | /a b+c",
        "/caf%C3%A9.cfg                 | /caf\u00c3\u00a9.cfg",
        "/%00x                          | /\u0000x",
    })
    void decodesToTheBytesTftpWouldCarry(String target, String wire) {
        assertThat(RequestTarget.wireName(target)).contains(wire);
    }

    @ParameterizedTest
    @CsvSource({"/%", "/%2", "/%zz", "/a%g0"})
    void malformedEscapesAreRefused(String target) {
        assertThat(RequestTarget.wireName(target)).isEmpty();
    }
}
