package org.sparetire.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.config.ConfigException;
import org.sparetire.core.config.ConfigLoader;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.core.config.ConfigProblem;
import org.sparetire.core.net.Addresses;

class SyslogConfigTest {
    @TempDir
    Path dir;

    SyslogConfig load(String yaml) throws ConfigException {
        return new ConfigLoader(List.of(SyslogConfig.SECTION)).loadText(yaml, "test.yaml", dir, ConfigOverrides.none())
                .section(SyslogConfig.SECTION);
    }

    List<ConfigProblem> problems(String yaml) {
        try {
            load(yaml);
        } catch (ConfigException e) {
            return e.problems();
        }
        return fail("accepted: " + yaml);
    }

    @Test
    void absentSectionTakesTheDocumentedDefaults() throws ConfigException {
        SyslogConfig c = load("");
        assertThat(c.enabled()).isTrue();
        assertThat(c.bind()).isEqualTo(Addresses.parseNumeric("0.0.0.0"));
        assertThat(c.udp().port()).isEqualTo(514);
        assertThat(c.tcp().enabled()).isFalse();
        assertThat(c.tcp().port()).isEqualTo(514);
        assertThat(c.directory()).isEqualTo(dir.resolve("logs"));
        assertThat(c.files().perDevice()).isEqualTo(SyslogConfig.DeviceFiles.ADDRESS);
        assertThat(c.maxMessage()).isEqualTo(65_536);
    }

    @Test
    void theShippedConfigBlockIsValidAndEqualsTheDefaults() throws Exception {
        String conf = Files.readString(Path.of("../../conf/sparetire.yaml"));
        String block = conf.substring(conf.indexOf("# >>> syslog"), conf.indexOf("# <<< syslog"));
        assertThat(load(block)).isEqualTo(load(""));
    }

    @Test
    void bindsEveryKey() throws ConfigException {
        SyslogConfig c = load("""
                syslog:
                  enabled: false
                  bind: "::"
                  udp: {port: 5514, receive-buffer: 1MiB}
                  tcp: {enabled: true, port: 6514, max-connections: 10, idle-timeout: 30s, max-frame: 8KiB}
                  allow: [10.0.0.0/8, fd00::/8]
                  rate-limit: {per-sender: 100, burst: 500}
                  max-message: 2KiB
                  truncation-marker: "..."
                  directory: /var/tmp/sl
                  files: {per-device: hostname, combined: false, rotate-size: 1MiB, rotate-age: 2h, keep: 3}
                  queue: 4096
                  recent-per-device: 5
                  forward:
                    - {host: 127.0.0.1, port: 1514, protocol: tcp, format: raw, queue: 50}
                """);
        assertThat(c.enabled()).isFalse();
        assertThat(c.bind()).isEqualTo(Addresses.parseNumeric("::"));
        assertThat(c.udp()).isEqualTo(new SyslogConfig.Udp(5514, 1 << 20));
        assertThat(c.tcp()).isEqualTo(new SyslogConfig.Tcp(true, 6514, 10, Duration.ofSeconds(30), 8192));
        assertThat(c.allow()).extracting(Object::toString).containsExactly("10.0.0.0/8", "fd00:0:0:0:0:0:0:0/8");
        assertThat(c.rateLimit()).isEqualTo(new SyslogConfig.RateLimit(100, 500));
        assertThat(c.maxMessage()).isEqualTo(2048);
        assertThat(c.truncationMarker()).isEqualTo("...");
        assertThat(c.directory()).isEqualTo(Path.of("/var/tmp/sl"));
        assertThat(c.files()).isEqualTo(new SyslogConfig.Files(SyslogConfig.DeviceFiles.HOSTNAME, false, 1 << 20,
                Duration.ofHours(2), 3));
        assertThat(c.queue()).isEqualTo(4096);
        assertThat(c.recentPerDevice()).isEqualTo(5);
        assertThat(c.forward()).containsExactly(new SyslogConfig.Forward(Addresses.parseNumeric("127.0.0.1"), 1514,
                SyslogConfig.Protocol.TCP, SyslogConfig.ForwardFormat.RAW, 50));
    }

    @Test
    void reportsEachProblemAtItsExactPosition() {
        List<ConfigProblem> p = problems("""
                syslog:
                  udp:
                    port: 70000
                  tcp:
                    max-frame: 100
                  max-message: 1MiB
                  files:
                    per-device: mac
                    keeep: 3
                  forward:
                    - port: 514
                """);
        assertThat(p).extracting(x -> x.position().line() + ":" + x.position().column() + " " + x.message())
                .containsExactly(
                        "3:11 syslog.udp.port: port must be between 0 and 65535, got 70000",
                        "5:16 syslog.tcp.max-frame: must be between 480 and 16MiB",
                        "6:16 syslog.max-message: must be between 480 and 64KiB (the largest UDP datagram)",
                        "8:17 syslog.files.per-device: expected one of address, hostname, none, found 'mac'",
                        "9:5 unknown key 'syslog.files.keeep' (did you mean 'keep'?)",
                        "11:7 syslog.forward[0].host: missing: the upstream collector's IP address");
    }

    @Test
    void recordsCompareByValueSoReloadsSeeNoChange() throws ConfigException {
        String yaml = "syslog:\n  allow: [192.0.2.0/24]\n  forward: [{host: 127.0.0.1}]\n";
        assertThat(load(yaml)).isEqualTo(load(yaml)).hasSameHashCodeAs(load(yaml));
    }
}
