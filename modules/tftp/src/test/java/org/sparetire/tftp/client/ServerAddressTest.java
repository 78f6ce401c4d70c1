package org.sparetire.tftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerAddressTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "192.0.2.5          | 192.0.2.5       | 69",
        "192.0.2.5:6969     | 192.0.2.5       | 6969",
        "[2001:db8::1]:70   | 2001:db8:0:0:0:0:0:1 | 70",
        "[::1]              | 0:0:0:0:0:0:0:1 | 69",
        "fe80::1            | fe80:0:0:0:0:0:0:1 | 69",
    })
    void parsesHostAndPort(String text, String host, int port) throws Exception {
        var a = ServerAddress.parse(text);
        assertThat(a.getAddress().getHostAddress()).isEqualTo(host);
        assertThat(a.getPort()).isEqualTo(port);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"192.0.2.5:0 | not a port", "192.0.2.5:x | not a port", "[::1 | missing ']'",
        ":69 | no host"})
    void rejectsNonsense(String text, String message) {
        assertThatThrownBy(() -> ServerAddress.parse(text)).hasMessageStartingWith(message);
    }
}
