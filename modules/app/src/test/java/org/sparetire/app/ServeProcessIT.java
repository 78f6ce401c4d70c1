package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.testkit.PeerProgram;

/**
 * The runnable jar as a user runs it: embedded default config in a fresh working directory, a real curl
 * download, a real logger message, SIGHUP and SIGTERM.
 */
class ServeProcessIT {
    private static final Path JAR = Path.of("target/sparetire.jar").toAbsolutePath();

    @TempDir
    Path work;

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }

    private static int freeTcpPort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Process serve(Path log, String... extra) throws IOException {
        return serve("DEFAULT", log, extra);
    }

    private Process serve(String hangupDisposition, Path log, String... extra) throws IOException {
        // A parent that ignores SIGHUP (nohup, some CI runners) passes that on and the JVM keeps it
        // ignored; perl restores the default so this test sees what a shell user sees.
        Path perl = PeerProgram.require("perl", "perl-base");
        List<String> command = new ArrayList<>(List.of(perl.toString(), "-e",
                "$SIG{HUP} = '" + hangupDisposition + "'; exec @ARGV or die",
                "java", "-jar", JAR.toString(), "serve"));
        command.addAll(List.of(extra));
        return new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    private static String awaitLine(Path log, String fragment, Process p) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            if (text.contains(fragment)) {
                return text;
            }
            if (!p.isAlive() && !Files.readString(log).contains(fragment)) {
                throw new AssertionError("sparetire exited " + p.exitValue() + " before '" + fragment + "':\n" + text);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + fragment + "' within 60 s:\n" + Files.readString(log));
    }

    @Test
    void servesTheEmbeddedDefaultFromTheWorkingDirectory() throws Exception {
        Path curl = PeerProgram.require("curl", "curl");
        Path logger = PeerProgram.require("logger", "bsdutils");
        int tftpPort = freeUdpPort();
        int syslogPort = freeUdpPort();
        int webPort = freeTcpPort();
        Path log = work.resolve("serve.log");
        Path pidFile = work.resolve("sparetire.pid");
        Process p = serve(log, "--tftp-port", Integer.toString(tftpPort), "--syslog-port", Integer.toString(syslogPort),
                "--web-port", Integer.toString(webPort), "--pid-file", pidFile.toString());
        try {
            awaitLine(log, "ready in", p);
            assertThat(work.resolve("tftpboot")).isDirectory();
            assertThat(Files.readString(pidFile).trim()).isEqualTo(Long.toString(p.pid()));

            byte[] image = new byte[300_000];
            new java.util.Random(7).nextBytes(image);
            Files.write(work.resolve("tftpboot/image.bin"), image);
            Path out = work.resolve("downloaded.bin");
            PeerProgram.run(Duration.ofSeconds(30), curl.toString(), "-sS", "-o", out.toString(),
                    "tftp://127.0.0.1:" + tftpPort + "/image.bin").assertSuccess();
            assertThat(Files.readAllBytes(out)).isEqualTo(image);

            PeerProgram.run(Duration.ofSeconds(10), logger.toString(), "--udp", "-n", "127.0.0.1", "-P",
                    Integer.toString(syslogPort), "-t", "bootrom", "sparetire serve smoke test").assertSuccess();
            awaitFileContaining(work.resolve("logs"), "sparetire serve smoke test");

            PeerProgram.Result overview = PeerProgram.run(Duration.ofSeconds(10), curl.toString(), "-sS", "-f",
                    "http://127.0.0.1:" + webPort + "/").assertSuccess();
            assertThat(overview.stdout()).containsIgnoringCase("<html");

            PeerProgram.run(Duration.ofSeconds(10), "kill", "-HUP", Long.toString(p.pid())).assertSuccess();
            awaitLine(log, "reload: nothing changed", p);

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("exit status after SIGTERM (a service manager reads 143 as a failure)").isZero();
            String text = Files.readString(log);
            assertThat(text).contains("stopping (grace 5s)").contains("stopped");
            assertThat(pidFile).doesNotExist();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aPortInUseStopsStartWithOneClearLineAndExitOne() throws Exception {
        Files.createDirectories(work.resolve("tftpboot"));
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Path config = Files.writeString(work.resolve("c.yaml"), """
                    web: {enabled: false}
                    syslog: {enabled: false}
                    tftp: {bind: 127.0.0.1, port: %d, root: tftpboot}
                    """.formatted(squatter.getLocalPort()));
            Path log = work.resolve("fail.log");
            Process p = serve(log, "-c", config.toString(), "--pid-file", work.resolve("p.pid").toString());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(ExitCodes.SERVICE_FAILED);
            assertThat(Files.readString(log)).contains("tftp: cannot bind 127.0.0.1:" + squatter.getLocalPort()
                    + ": address already in use");
        }
    }

    @Test
    void startedUnderNohupItSaysThatSighupCannotReachIt() throws Exception {
        Path log = work.resolve("nohup.log");
        Process p = serve("IGNORE", log, "--tftp-port", "0", "--syslog-port", "0", "--web-port", "0",
                "--pid-file", work.resolve("n.pid").toString());
        try {
            awaitLine(log, "ready in", p);
            assertThat(awaitLine(log, "SIGHUP cannot reach", p))
                    .contains("SIGHUP cannot reach this process (started under nohup?): `sparetire reload` will not work");
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void quickDhcpRefusesAnInterfaceThatDoesNotExist() throws Exception {
        Path log = work.resolve("quick.log");
        Process p = serve(log, "--dhcp-on", "nosuchif0", "--pid-file", work.resolve("q.pid").toString());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(ExitCodes.CONFIG_INVALID);
        assertThat(Files.readString(log)).contains("command line --dhcp-on: interface nosuchif0 does not exist");
    }

    @Test
    void anInvalidConfigExitsThreeWithItsPosition() throws Exception {
        Path config = Files.writeString(work.resolve("bad.yaml"), "tftp:\n  port: 69\n  colour: blue\n");
        Path log = work.resolve("bad.log");
        Process p = serve(log, "-c", config.toString());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(ExitCodes.CONFIG_INVALID);
        assertThat(Files.readString(log)).contains(config + ":3:3: unknown key 'tftp.colour'");
    }

    private static void awaitFileContaining(Path folder, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.walk(folder)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        if (Files.readString(f, StandardCharsets.ISO_8859_1).contains(text)) {
                            return;
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no file under " + folder + " contains '" + text + "'");
    }
}
