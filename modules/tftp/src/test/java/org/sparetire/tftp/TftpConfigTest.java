package org.sparetire.tftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigException;
import org.sparetire.core.config.ConfigLoader;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.core.config.ConfigPrinter;
import org.sparetire.core.net.Cidr;
import org.sparetire.tftp.policy.ExistingUpload;
import org.sparetire.tftp.policy.RemapRule;
import org.sparetire.tftp.policy.SymlinkPolicy;

class TftpConfigTest {
    @TempDir
    Path dir;

    TftpConfig load(String yaml) throws ConfigException {
        return new ConfigLoader(List.of(TftpConfig.SECTION)).loadText(yaml, "test.yaml", dir, ConfigOverrides.none())
                .section(TftpConfig.SECTION);
    }

    TftpConfig loadKeeping(String yaml) throws Exception {
        Files.writeString(dir.resolve("last.yaml"), yaml);
        return load(yaml);
    }

    @Test
    void defaultsAreSafe() throws Exception {
        Files.createDirectories(dir.resolve("tftpboot"));
        TftpConfig c = load("tftp: {}\n");
        assertThat(c.enabled()).isTrue();
        assertThat(c.listen().port()).isEqualTo(69);
        assertThat(c.listen().bind().getHostAddress()).isEqualTo("0.0.0.0");
        assertThat(c.root()).isEqualTo(dir.resolve("tftpboot"));
        assertThat(c.transfers().blksizeMax()).isEqualTo(1468);
        assertThat(c.transfers().windowsizeMax()).isEqualTo(64);
        assertThat(c.transfers().rollover()).isEqualTo(TftpConfig.Rollover.ZERO);
        assertThat(c.names().symlinks()).isEqualTo(SymlinkPolicy.INSIDE_ROOT);
        assertThat(c.uploads().enabled()).isFalse();
        assertThat(c.uploads().onExisting()).isEqualTo(ExistingUpload.KEEP_VERSIONS);
        assertThat(c.uploads().dir()).isEqualTo(dir.resolve("backups"));
        assertThat(c.listen().singlePort()).isFalse();
        assertThat(c.listen().portRange().isAny()).isTrue();
        assertThat(c.transfers().replyPoll()).isEqualTo(Duration.ZERO);
    }

    /** A config assembled in code prints from its records: the groups' keys stay keys of the section. */
    @Test
    void printedFromItsRecordsTheGroupsKeepTheFilesFlatKeys() throws Exception {
        Files.createDirectories(dir.resolve("tftpboot"));
        AppConfig loaded = new ConfigLoader(List.of(TftpConfig.SECTION)).loadText(
                "tftp: {port: 6969, single-port: true, blksize-max: 8192, symlinks: never}\n", "test.yaml", dir,
                ConfigOverrides.none());
        String printed = ConfigPrinter.print(new AppConfig(loaded.source(), loaded.baseDir(), loaded.core(),
                loaded.sections()));
        assertThat(printed).contains("\n  port: 6969\n", "\n  single-port: true\n", "\n  blksize-max: 8192\n",
                "\n  symlinks: never\n", "\n  reply-poll: 0s\n", "\n  max-name-length: 255\n")
                .doesNotContain("\n  listen:", "\n  names:", "\n  transfers:");
    }

    @Test
    void everyKeyBinds() throws Exception {
        Files.createDirectories(dir.resolve("boot"));
        Files.createDirectories(dir.resolve("lab"));
        TftpConfig c = loadKeeping("""
                tftp:
                  enabled: true
                  bind: "::"
                  free-bind: true
                  port: 6969
                  root: boot
                  create-root: false
                  single-port: true
                  port-range: 50000-50100
                  blksize-max: 65464
                  blksize-caps:
                    - {clients: [10.8.0.0/16], max: 1388}
                  no-options-for: [10.7.0.0/16]
                  windowsize-max: 16
                  timeout: 500ms
                  reply-poll: 40us
                  retries: 7
                  rollover: one
                  symlinks: never
                  case-insensitive: true
                  backslash-to-slash: false
                  max-name-length: 128
                  remap:
                    - {match: '^/?pxelinux\\.0$', replace: bios/pxelinux.0, clients: [192.0.2.0/24], last: true}
                  virtual-roots:
                    - {clients: [10.9.0.0/16], root: lab}
                  access:
                    read: [10.0.0.0/8]
                    write: [10.1.0.0/16]
                  limits: {transfers: 100, per-client: 4, requests-per-second: 5, burst: 10}
                  uploads:
                    enabled: true
                    dir: inbox
                    on-existing: refuse
                    max-size: 2MiB
                    extensions: [cfg, .TXT]
                    folders: [phones/, switches]
                """);
        assertThat(c.listen().bind().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:0");
        assertThat(c.listen().port()).isEqualTo(6969);
        assertThat(c.listen().freeBind()).isTrue();
        assertThat(c.listen().singlePort()).isTrue();
        assertThat(c.listen().portRange()).isEqualTo(new TftpConfig.PortRange(50000, 50100));
        assertThat(c.transfers().blksizeCaps()).containsExactly(new TftpConfig.BlksizeCap(List.of(Cidr.parse("10.8.0.0/16")), 1388));
        assertThat(c.transfers().noOptionsFor()).containsExactly(Cidr.parse("10.7.0.0/16"));
        assertThat(c.transfers().timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.transfers().replyPoll()).isEqualTo(Duration.ofNanos(40_000));
        assertThat(c.transfers().rollover()).isEqualTo(TftpConfig.Rollover.ONE);
        assertThat(c.names().remap()).containsExactly(new RemapRule("^/?pxelinux\\.0$", "bios/pxelinux.0",
                List.of(Cidr.parse("192.0.2.0/24")), true));
        assertThat(c.names().virtualRoots().get(0).root()).isEqualTo(dir.resolve("lab"));
        assertThat(c.access().write()).containsExactly(Cidr.parse("10.1.0.0/16"));
        assertThat(c.limits()).isEqualTo(new TftpConfig.Limits(100, 4, 5, 10));
        assertThat(c.uploads()).isEqualTo(new TftpConfig.Uploads(true, dir.resolve("inbox"), ExistingUpload.REFUSE,
                2L << 20, List.of(".cfg", ".txt"), List.of("phones", "switches")));
        TftpConfig again = load(Files.readString(dir.resolve("last.yaml")));
        assertThat(again).as("value equality: the manager compares sections to decide on reload").isEqualTo(c);
        assertThat(TftpConfigBuilder.from(again).withBind(c.listen().bind(), 6970).build()).isNotEqualTo(c);
    }

    @Test
    void createRootSkipsTheExistenceCheck() throws Exception {
        TftpConfig c = load("tftp:\n  create-root: true\n  root: fresh\n");
        assertThat(c.createRoot()).isTrue();
        assertThat(c.root()).isEqualTo(dir.resolve("fresh"));
        assertThat(dir.resolve("fresh")).as("binding has no side effects").doesNotExist();
    }

    @Test
    void aDisabledServerNeedsNoRootYet() throws Exception {
        TftpConfig c = load("tftp:\n  enabled: false\n  root: not-yet\n");
        assertThat(c.enabled()).isFalse();
        assertThat(c.root()).isEqualTo(dir.resolve("not-yet"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing root       | tftp:\\n  root: nope                       | 2 | 9  | tftp.root: directory does not exist: ",
        "missing default    | tftp:\\n  port: 69                         | 2 | 3  | tftp.root: directory does not exist: ",
        "bad blksize        | tftp:\\n  root: .\\n  blksize-max: 70000    | 3 | 16 | tftp.blksize-max: must be between 8 and 65464, got 70000",
        "bad rollover       | tftp:\\n  root: .\\n  rollover: two         | 3 | 13 | tftp.rollover: expected one of zero, one, found 'two'",
        "bad port range     | tftp:\\n  root: .\\n  port-range: 9-1       | 3 | 15 | tftp.port-range: expected a port range such as 50000-50100, found '9-1'",
        "bad regex          | tftp:\\n  root: .\\n  remap:\\n    - {match: '(', replace: x} | 4 | 15 | tftp.remap[0].match: invalid regular expression",
        "remap no replace   | tftp:\\n  root: .\\n  remap:\\n    - {match: a} | 4 | 7 | tftp.remap[0].replace: required",
        "bad cidr           | tftp:\\n  root: .\\n  access: {read: [10.0.0.0/33]} | 3 | 19 | tftp.access.read[0]: prefix length must be 0..32",
        "bad existing       | tftp:\\n  root: .\\n  uploads: {on-existing: keep} | 3 | 26 | tftp.uploads.on-existing: expected one of keep-versions, overwrite, refuse",
        "unknown key        | tftp:\\n  root: .\\n  windowsize-mx: 8      | 3 | 3  | unknown key 'tftp.windowsize-mx' (did you mean 'windowsize-max'?)",
        "upload key typo    | tftp:\\n  root: .\\n  uploads: {enable: true} | 3 | 13 | unknown key 'tftp.uploads.enable' (did you mean 'enabled'?)",
        "reply poll too long | tftp:\\n  root: .\\n  reply-poll: 2ms    | 3 | 15 | tftp.reply-poll: must be between 0 and 1ms, got 2000us",
        "folder escape      | tftp:\\n  root: .\\n  uploads: {folders: [../x]} | 3 | 23 | tftp.uploads.folders[0]: must be a folder inside the inbox",
    })
    void problemsNameTheirExactPosition(String name, String yaml, int line, int column, String message) {
        assertThatThrownBy(() -> load(yaml.replace("\\n", "\n"))).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.problems()).as(name).hasSize(1);
            assertThat(e.problems().get(0).position().line()).as(name).isEqualTo(line);
            assertThat(e.problems().get(0).position().column()).as(name).isEqualTo(column);
            assertThat(e.problems().get(0).message()).as(name).startsWith(message);
        });
    }
}
