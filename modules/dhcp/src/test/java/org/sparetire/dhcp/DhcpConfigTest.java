package org.sparetire.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparetire.core.config.ConfigException;
import org.sparetire.core.config.ConfigLoader;
import org.sparetire.core.config.ConfigMapping;
import org.sparetire.core.config.SectionKey;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.core.config.ConfigProblem;
import org.sparetire.core.net.Addresses;
import org.sparetire.dhcp.codec.OptionValue;

class DhcpConfigTest {
    private static final Path BASE = Path.of("/srv/st");

    static DhcpConfig load(String yaml) throws ConfigException {
        return new ConfigLoader(List.of(DhcpConfig.SECTION)).loadText(yaml, "test.yaml", BASE, ConfigOverrides.none())
                .section(DhcpConfig.SECTION);
    }

    static List<ConfigProblem> problems(String yaml) {
        try {
            load(yaml);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected problems in:\n" + yaml);
    }

    static void assertProblem(String yaml, int line, int column, String text) {
        List<ConfigProblem> ps = problems(yaml);
        assertThat(ps).as(ps.toString()).anySatisfy(p -> {
            assertThat(p.position().line()).isEqualTo(line);
            assertThat(p.position().column()).isEqualTo(column);
            assertThat(p.message()).contains(text);
        });
    }

    @Test
    void absentSectionIsDisabledWithSafeDefaults() throws Exception {
        DhcpConfig c = load("");
        assertThat(c.enabled()).isFalse();
        assertThat(c.authoritative()).isFalse();
        assertThat(c.interfaces()).isEmpty();
        assertThat(c.leaseFile()).isEqualTo(BASE.resolve("leases/dhcp.leases"));
        assertThat(c.rogueCheck()).isEqualTo(DhcpConfig.RogueCheck.WARN);
    }

    @Test
    void bindsAFullSection() throws Exception {
        DhcpConfig c = load("""
                dhcp:
                  enabled: true
                  interfaces: [eth1]
                  authoritative: true
                  lease-file: /var/lib/st/leases
                  subnets:
                    - network: 192.168.50.0/24
                      ranges: [{from: 192.168.50.100, to: 192.168.50.199}]
                      router: 192.168.50.1
                      dns: [192.168.50.1, 192.168.50.2]
                      domain: bench.lan
                      lease-time: 2h
                      next-server: 192.168.50.1
                      options:
                        tftp-server-address: [192.168.50.5]
                        224: {text: site-a}
                        vendor-specific:
                          sub-options:
                            - {code: 6, u8: 8}
                  reservations:
                    - {mac: 52-54-00-AA-BB-CC, address: 192.168.50.10, hostname: sw1, boot-file: sw1.bin}
                  classes:
                    - name: uefi
                      match: {arch: [efi-x64, 16]}
                      boot-file: ipxe.efi
                """);
        assertThat(c.enabled()).isTrue();
        DhcpConfig.Subnet s = c.subnets().get(0);
        assertThat(s.ranges()).containsExactly(new DhcpConfig.Range(ip("192.168.50.100"), ip("192.168.50.199")));
        assertThat(s.dns()).containsExactly(ip("192.168.50.1"), ip("192.168.50.2"));
        assertThat(s.leaseTime()).hasHours(2);
        assertThat(s.options()).extracting(DhcpConfig.OptionSetting::code).containsExactly(150, 224, 43);
        assertThat(s.options().get(2).value().encode().hex()).isEqualTo("060108");
        assertThat(c.reservations().get(0).mac()).isEqualTo("52:54:00:aa:bb:cc");
        assertThat(c.classes().get(0).match().architectures()).containsExactly(7, 9, 16);
        // Value equality: the lifecycle manager compares sections on reload.
        assertThat(load("dhcp: {enabled: false}")).isEqualTo(load("dhcp: {enabled: false}"));
        assertThat(s.options().get(1).value()).isEqualTo(new OptionValue.Text("site-a"));
    }

    @Test
    void overlappingRangesAreReportedAtTheSecondWithTheFirstsLine() {
        assertProblem("""
                dhcp:
                  subnets:
                    - network: 10.0.0.0/16
                      ranges:
                        - {from: 10.0.0.10, to: 10.0.0.50}
                    - network: 10.0.1.0/24
                      ranges:
                        - {from: 10.0.1.1, to: 10.0.1.9}
                    - network: 10.0.0.0/24
                      ranges:
                        - {from: 10.0.0.40, to: 10.0.0.60}
                """, 11, 11, "overlaps the range 10.0.0.10-10.0.0.50 at line 5");
    }

    @Test
    void rangeOutsideItsNetworkIsReportedAtTheAddress() {
        assertProblem("""
                dhcp:
                  subnets:
                    - network: 10.0.0.0/24
                      ranges:
                        - from: 10.0.0.10
                          to: 10.0.1.20
                """, 6, 15, "10.0.1.20 is outside the subnet's network 10.0.0.0/24");
    }

    @Test
    void rangeFromAfterToIsReportedAtTheRange() {
        assertProblem("""
                dhcp:
                  subnets:
                    - network: 10.0.0.0/24
                      ranges: [{from: 10.0.0.90, to: 10.0.0.10}]
                """, 4, 16, "from 10.0.0.90 is after to 10.0.0.10");
    }

    static Stream<Object[]> badValues() {
        return Stream.of(
                new Object[] {"      router: 10.0.0.300\n", 4, 15, "not an IPv4 address"},
                new Object[] {"      next-server: ::1\n", 4, 20, "needs an IPv4 address"},
                new Object[] {"      ranges: [{from: 10.0.0.5}]\n", 4, 16, "needs both from and to"},
                new Object[] {"      options: {tftp-server-adress: 10.0.0.1}\n", 4, 37, "did you mean 'tftp-server-address'"},
                new Object[] {"      options: {224: 7}\n", 4, 22, "need a typed value"},
                new Object[] {"      options: {224: {u8: 300}}\n", 4, 27, "between 0 and 255"},
                new Object[] {"      options: {53: {u8: 1}}\n", 4, 21, "cannot be configured"},
                new Object[] {"      lease-time: 0s\n", 4, 19, "longer than zero"},
                new Object[] {"      boot-file: " + "x".repeat(130) + "\n", 4, 18, "127 bytes"});
    }

    @ParameterizedTest(name = "{3}")
    @MethodSource("badValues")
    void badValuesAreReportedWhereTheyAre(String line, int row, int col, String text) {
        assertProblem("dhcp:\n  subnets:\n    - network: 10.0.0.0/24\n" + line, row, col, text);
    }

    @Test
    void enabledNeedsInterfacesAndSubnets() {
        List<ConfigProblem> ps = problems("dhcp:\n  enabled: true\n");
        assertThat(ps).extracting(ConfigProblem::message)
                .anySatisfy(m -> assertThat(m).contains("name at least one interface"))
                .anySatisfy(m -> assertThat(m).contains("server mode needs at least one subnet"));
    }

    @Test
    void classAndReservationMistakesAreReported() {
        assertProblem("""
                dhcp:
                  classes:
                    - name: a
                      match: {arch: [efi-x65]}
                """, 4, 22, "expected an architecture number");
        assertProblem("""
                dhcp:
                  classes:
                    - name: a
                      boot-file: x
                """, 3, 7, "needs at least one of arch");
        assertProblem("""
                dhcp:
                  subnets: [{network: 10.0.0.0/24}]
                  reservations:
                    - {mac: "52:54:00:00:00:01", address: 10.0.0.5}
                    - {mac: "52:54:00:00:00:01", address: 10.0.0.6}
                """, 5, 7, "duplicate reservation for mac 52:54:00:00:00:01 (first at line 4)");
        assertProblem("""
                dhcp:
                  subnets: [{network: 10.0.0.0/24}]
                  reservations:
                    - {mac: "52:54:00:00:00:01", address: 10.9.0.5}
                """, 4, 43, "in none of the configured subnets");
        assertProblem("""
                dhcp:
                  subnets: [{network: 10.0.0.0/24, rangez: []}]
                """, 2, 36, "unknown key 'dhcp.subnets[0].rangez' (did you mean 'ranges'?)");
    }

    private static SectionKey<List<String>> otherService(String name) {
        return new SectionKey<>(name, ConfigMapping::keys);
    }

    static Stream<Path> presets() throws Exception {
        Path dir = Path.of("../../conf/examples");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("dhcp-")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("presets")
    void shippedPresetsAreValid(Path preset) throws Exception {
        // Presets are whole appliance configs; the other services' sections are the app's to check.
        List<SectionKey<?>> sections = List.of(DhcpConfig.SECTION, otherService("tftp"), otherService("syslog"),
                otherService("web"));
        DhcpConfig c = new ConfigLoader(sections).load(preset, ConfigOverrides.none()).section(DhcpConfig.SECTION);
        assertThat(c.enabled()).isTrue();
        assertThat(c.subnets()).isNotEmpty();
        assertThat(c.classes()).isNotEmpty();
    }

    @Test
    void presetsCoverTheFourUseCases() throws Exception {
        assertThat(presets().map(p -> p.getFileName().toString())).contains("dhcp-pxe-ipxe.yaml",
                "dhcp-cisco-phones.yaml", "dhcp-polycom-yealink.yaml", "dhcp-uboot-recovery.yaml");
    }

    @Test
    void embeddedDefaultConfigKeepsDhcpOff() throws Exception {
        Path file = Path.of("../../conf/sparetire.yaml");
        String text = Files.readString(file);
        String block = text.substring(text.indexOf("# >>> dhcp"), text.indexOf("# <<< dhcp"));
        DhcpConfig c = load(block);
        assertThat(c.enabled()).isFalse();
        assertThat(c).isEqualTo(load("dhcp: {lease-file: leases/dhcp.leases}"));
    }

    static java.net.InetAddress ip(String s) {
        return Addresses.parseNumeric(s);
    }
}
