package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparetire.core.config.ConfigText;

/** What each command says when it is told something wrong: never a yes to a no, and the option named. */
class CommandLineTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "serve --tftp-port abc, --tftp-port",
        "serve --syslog-port 70000, --syslog-port",
        "check --web-port -1, --web-port",
    })
    void aBadPortIsAWrongCommandLine(String command, String option) {
        CliRun run = run(command.split(" "));
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains(option).contains("expected a port number 0..65535");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "dhcp explain --web-port 8080",
        "dhcp explain --syslog-tcp",
        "leases --tftp-root /srv",
        "dhcp leases --no-web",
    })
    void toolsThatRunNoServiceRefuseServiceFlags(String command) {
        CliRun run = run(command.split(" "));
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("Unknown option");
    }

    @Test
    void dhcpHelpSummarisesExplainInAWholeSentence() {
        CliRun run = run("dhcp", "--help");
        assertThat(run.out()).containsPattern("explain +Show what a client would be told, and why\\.\n");
    }

    @Test
    void aBadMacNamesTheOption() {
        CliRun run = run("dhcp", "explain", "--mac", "zz:54");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).startsWith("--mac: expected a MAC address such as 52:54:00:12:34:56, got 'zz:54'");
    }

    @Test
    void aMissingLeaseFileIsAnErrorNotZeroLeases() {
        Path missing = dir.resolve("MISSING");
        CliRun run = run("leases", "--file", missing.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).isEqualTo("leases: --file " + missing + ": no such file\n");
        assertThat(run.out()).doesNotContain("0 leases");
    }

    @Test
    void putOfAMissingLocalFileSaysSoOnce() {
        Path missing = dir.resolve("nofile.bin");
        CliRun run = run("tftp", "put", "-i", missing.toString(), "127.0.0.1:9", "nofile.bin");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.SERVICE_FAILED);
        assertThat(run.err()).isEqualTo("tftp: " + missing + ": no such file\n");
    }

    @Test
    void noAnswerNamesTheServerWithoutAStraySlash() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            CliRun run = run("tftp", "get", "--timeout", "1", "-o", dir.resolve("x").toString(),
                    "127.0.0.1:" + silent.getLocalPort(), "x");
            assertThat(run.exitCode()).isEqualTo(ExitCodes.SERVICE_FAILED);
            assertThat(run.err()).isEqualTo("tftp: x: no answer from 127.0.0.1:" + silent.getLocalPort() + "\n");
        }
    }

    @Test
    void quickDhcpRefusesLoopback() {
        String lo = loopbackName();
        CliRun run = run("serve", "--dhcp-on", lo, "--no-web", "--no-tftp", "--no-syslog");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG_INVALID);
        assertThat(run.err()).contains("command line --dhcp-on: interface " + lo + " is a loopback interface");
    }

    private static String loopbackName() {
        try {
            return java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                    .filter(n -> {
                        try {
                            return n.isLoopback();
                        } catch (java.net.SocketException e) {
                            return false;
                        }
                    }).findFirst().orElseThrow().getName();
        } catch (java.net.SocketException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anUnknownDhcpInterfaceIsReportedWhereItIsWritten() throws Exception {
        Path file = Files.writeString(dir.resolve("dhcp.yaml"), """
                tftp: {enabled: false}
                dhcp:
                  enabled: true
                  interfaces: [nosuch0]
                  lease-file: leases
                  subnets:
                    - network: 10.231.0.0/24
                      ranges: [{from: 10.231.0.10, to: 10.231.0.20}]
                """);
        CliRun run = run("check", "-c", file.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.err()).startsWith(file + ":4:16: warning: dhcp.interfaces[0]: interface nosuch0 does not exist");
    }

    @Test
    void decimalLookingSizesAreRefusedWithTheBinaryOne() throws Exception {
        Files.createDirectories(dir.resolve("tftpboot"));
        Path file = Files.writeString(dir.resolve("size.yaml"), "tftp:\n  root: tftpboot\n  uploads:\n    max-size: 64MB\n");
        CliRun run = run("check", "-c", file.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG_INVALID);
        assertThat(run.err()).startsWith(file + ":4:15: tftp.uploads.max-size: '64MB' is ambiguous: sizes here are binary, "
                + "did you mean '64MiB'?");
    }

    @Test
    void durationsReadAsTheFileWritesThem() {
        assertThat(ConfigText.duration(java.time.Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(ConfigText.duration(java.time.Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(ConfigText.duration(java.time.Duration.ofMinutes(10))).isEqualTo("10m");
    }
}
