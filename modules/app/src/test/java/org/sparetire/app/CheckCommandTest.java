package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** `sparetire check -c bad.yaml` prints the exact file:line:col of each problem and exits 3. */
class CheckCommandTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private Path write(String name, String yaml) throws Exception {
        Files.createDirectories(dir.resolve("tftpboot"));
        return Files.writeString(dir.resolve(name), yaml);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown key       | tftp:\\n  root: tftpboot\\n  prot: 6969 | 3 | 3  | unknown key 'tftp.prot' (did you mean 'port'?)",
        "wrong type        | tftp:\\n  root: tftpboot\\n  port: [69] | 3 | 9  | tftp.port: expected a port number, found a list",
        "port out of range | syslog:\\n  udp:\\n    port: 65536      | 3 | 11 | syslog.udp.port: port must be between 0 and 65535, got 65536",
        "missing directory | tftp:\\n  root: /nonexistent/boot     | 2 | 9  | tftp.root: directory does not exist: /nonexistent/boot",
        "unknown section   | tftp:\\n  root: tftpboot\\ntfpt: {}    | 3 | 1  | unknown key 'tfpt' (did you mean 'tftp'?)",
        "http-boot on the dashboard's port | tftp:\\n  root: tftpboot\\nhttp-boot:\\n  enabled: true\\n  port: 8069 | 5 | 9 | http-boot.port: port 8069 is the dashboard's (web.port); HTTP boot needs a port of its own",
        "dashboard on http-boot's port | tftp:\\n  root: tftpboot\\nweb:\\n  port: 8070\\nhttp-boot: {enabled: true} | 4 | 9 | web.port: port 8070 is http-boot's; the dashboard needs a port of its own",
    })
    void badConfigsNameTheExactPosition(String name, String yaml, int line, int column, String message) throws Exception {
        Path file = write("bad.yaml", yaml.replace("\\n", "\n"));
        CliRun run = run("check", "-c", file.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG_INVALID);
        assertThat(run.err()).startsWith(file + ":" + line + ":" + column + ": " + message);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void overlappingDhcpRangesPointAtTheSecondRange() throws Exception {
        Path file = write("overlap.yaml", """
                dhcp:
                  enabled: false
                  subnets:
                    - network: 10.9.0.0/24
                      ranges:
                        - {from: 10.9.0.10, to: 10.9.0.50}
                        - {from: 10.9.0.40, to: 10.9.0.60}
                """);
        CliRun run = run("check", "-c", file.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG_INVALID);
        assertThat(run.err()).startsWith(file + ":7:").contains("overlap").contains("line 6");
    }

    @Test
    void unreadableFilesAreReportedAtLineOne() {
        Path missing = dir.resolve("missing.yaml");
        CliRun run = run("check", "-c", missing.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG_INVALID);
        assertThat(run.err()).startsWith(missing + ":1:1: cannot read config: no such file");

        CliRun directory = run("check", "-c", dir.toString());
        assertThat(directory.err()).startsWith(dir + ":1:1: cannot read config: is a directory");
    }

    @Test
    void aGoodFilePrintsTheEffectiveConfig() throws Exception {
        Path file = write("good.yaml", "tftp:\n  root: tftpboot\n  port: 6969\n");
        CliRun run = run("check", "-c", file.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("tftp:\n").contains("  port: 6969\n").contains("  root: " + dir.resolve("tftpboot"))
                .contains("syslog:\n").contains("dhcp:\n");
    }

    @Test
    void commandLineOverridesAreValidatedToo() throws Exception {
        Path file = write("good.yaml", "tftp:\n  root: tftpboot\n");
        CliRun run = run("check", "-c", file.toString(), "--tftp-root", dir.resolve("nowhere").toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG_INVALID);
        assertThat(run.err()).startsWith("command line --tftp-root: tftp.root: directory does not exist: " + dir.resolve("nowhere"));
    }

    @Test
    void leasesIsATopLevelCommandToo() throws Exception {
        Path journal = Files.writeString(dir.resolve("leases.journal"), "");
        Path file = write("leases.yaml", "tftp:\n  root: tftpboot\n");
        CliRun run = run("leases", "-c", file.toString(), "--file", journal.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("check", "--no-such-flag").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("frobnicate").exitCode()).isEqualTo(ExitCodes.USAGE);
    }
}
