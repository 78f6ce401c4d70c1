package org.sparetire.web.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sparetire.core.net.Addresses;

class FetchCommandsTest {
    private static Map<String, String> commands(String name, String server, int port) {
        return FetchCommands.forFile(name, Addresses.parseNumeric(server), port).stream()
                .collect(Collectors.toMap(FetchCommands.Command::client, FetchCommands.Command::text));
    }

    @Test
    void eachClientGetsItsOwnLineWithTheInterfacesAddress() {
        assertThat(commands("images/u-boot.itb", "192.168.50.1", 69)).isEqualTo(Map.of(
                "u-boot", "setenv serverip 192.168.50.1; tftpboot ${loadaddr} images/u-boot.itb",
                "ipxe", "chain tftp://192.168.50.1/images/u-boot.itb",
                "cisco", "copy tftp://192.168.50.1/images/u-boot.itb flash:",
                "curl", "curl -o u-boot.itb tftp://192.168.50.1/images/u-boot.itb",
                "sparetire", "sparetire tftp get 192.168.50.1 images/u-boot.itb"));
    }

    @Test
    void anotherPortAndAwkwardNamesAreSpelledForEachClient() {
        Map<String, String> c = commands("my fw$1.bin", "10.0.0.1", 6969);
        assertThat(c.get("u-boot")).isEqualTo("setenv serverip 10.0.0.1; setenv tftpdstp 6969; tftpboot ${loadaddr} \"my fw\\$1.bin\"");
        assertThat(c.get("ipxe")).isEqualTo("chain tftp://10.0.0.1:6969/my%20fw%241.bin");
        assertThat(c.get("curl")).isEqualTo("curl -o 'my fw$1.bin' tftp://10.0.0.1:6969/my%20fw%241.bin");
        assertThat(c.get("sparetire")).isEqualTo("sparetire tftp get 10.0.0.1:6969 'my fw$1.bin'");
    }

    @Test
    void ipv6HasNoUBootLineAndBracketsInUrls() throws Exception {
        Map<String, String> c = commands("a.bin", "fd00::1", 69);
        assertThat(c).doesNotContainKey("u-boot");
        assertThat(c.get("ipxe")).isEqualTo("chain tftp://[fd00::1]/a.bin");
        assertThat(c.get("sparetire")).isEqualTo("sparetire tftp get [fd00::1] a.bin");
        assertThat(InetAddress.getByName("fd00::1")).isNotNull();
    }
}
