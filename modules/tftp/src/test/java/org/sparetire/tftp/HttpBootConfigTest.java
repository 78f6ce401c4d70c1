package org.sparetire.tftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigException;
import org.sparetire.core.config.ConfigLoader;
import org.sparetire.core.config.ConfigOverrides;

class HttpBootConfigTest {
    @TempDir
    Path dir;

    AppConfig load(String yaml) throws ConfigException {
        return new ConfigLoader(List.of(TftpConfig.SECTION, HttpBootConfig.SECTION)).loadText(yaml, "test.yaml", dir,
                ConfigOverrides.none());
    }

    @Test
    void offByDefaultOnItsOwnPort() throws Exception {
        HttpBootConfig c = load("tftp: {create-root: true}\n").section(HttpBootConfig.SECTION);
        assertThat(c).isEqualTo(HttpBootConfig.defaults());
        assertThat(c.enabled()).isFalse();
        assertThat(c.port()).isEqualTo(8070);
    }

    @Test
    void settingsCarryTheTftpFilePolicy() throws Exception {
        AppConfig a = load("""
                tftp: {create-root: true, symlinks: never}
                http-boot:
                  enabled: true
                  bind: 127.0.0.1
                  port: 18070
                  limits: {downloads: 10, per-client: 2}
                  idle-timeout: 5s
                """);
        HttpBootService.Settings s = HttpBootService.Settings.of(a);
        assertThat(s.enabled()).isTrue();
        assertThat(s.http()).isEqualTo(new HttpBootConfig(true, java.net.InetAddress.getByName("127.0.0.1"), 18070, 10,
                2, Duration.ofSeconds(5)));
        assertThat(s.tftp().names().symlinks()).isEqualTo(org.sparetire.tftp.policy.SymlinkPolicy.NEVER);
    }

    @Test
    void problemsNameFileLineAndColumn() {
        String yaml = """
                tftp: {create-root: true}
                http-boot:
                  port: 70000
                  limits: {downloads: 0}
                  idle-timeout: 2h
                  colour: blue
                """;
        assertThatThrownBy(() -> load(yaml)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(
                e.problems().stream().map(p -> p.position().line() + ":" + p.position().column()).toList())
                .containsExactlyInAnyOrder("3:9", "4:23", "5:17", "6:3"));
    }

    @Test
    void shippedBlockBindsToTheDefaults() throws Exception {
        String all = Files.readString(Path.of("../../conf/sparetire.yaml"));
        String block = all.substring(all.indexOf("# >>> http-boot"), all.indexOf("# <<< http-boot"));
        HttpBootConfig c = new ConfigLoader(List.of(HttpBootConfig.SECTION)).loadText(block, "sparetire.yaml", dir,
                ConfigOverrides.none()).section(HttpBootConfig.SECTION);
        assertThat(c).isEqualTo(HttpBootConfig.defaults());
    }
}
