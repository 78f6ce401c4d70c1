package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.testkit.PeerProgram;

/**
 * `sparetire reload` as a user runs it against a running jar: it waits for the instance's verdict, says
 * what changed (the log level too), and exits 3 with file:line:col when the file is rejected. Two instances
 * on two configs each keep their own pid file, which `reload -c` finds without being told.
 */
class ReloadCommandIT {
    private static final Path JAR = Path.of("target/sparetire.jar").toAbsolutePath();

    @TempDir
    Path work;

    private Path config(String name, String level) throws IOException {
        Path folder = Files.createDirectories(work.resolve(name));
        Files.createDirectories(folder.resolve("tftpboot"));
        return Files.writeString(folder.resolve("sparetire.yaml"), """
                logging:
                  level: %s
                web: {enabled: false}
                syslog: {enabled: false}
                tftp:
                  bind: 127.0.0.1
                  port: 0
                  root: tftpboot
                """.formatted(level));
    }

    private Process serve(Path config, Path log) throws IOException {
        return new ProcessBuilder("java", "-jar", JAR.toString(), "serve", "--plain", "-c", config.toString())
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static PeerProgram.Result reload(Path config) throws Exception {
        return PeerProgram.run(Duration.ofSeconds(60), "java", "-jar", JAR.toString(), "reload", "-c", config.toString(),
                "--wait", "30");
    }

    private static void awaitLine(Path log, String fragment, Process p) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (Files.readString(log).contains(fragment)) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("sparetire exited " + p.exitValue() + " before '" + fragment + "':\n"
                        + Files.readString(log));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + fragment + "' within 60 s:\n" + Files.readString(log));
    }

    @Test
    void reloadWaitsForTheVerdictOfEachInstance() throws Exception {
        Path a = config("a", "info");
        Path b = config("b", "info");
        List<Process> running = new ArrayList<>();
        try {
            Process pa = serve(a, work.resolve("a.log"));
            running.add(pa);
            Process pb = serve(b, work.resolve("b.log"));
            running.add(pb);
            awaitLine(work.resolve("a.log"), "ready in", pa);
            awaitLine(work.resolve("b.log"), "ready in", pb);

            Files.writeString(a, Files.readString(a).replace("level: info", "level: debug"));
            PeerProgram.Result applied = reload(a);
            assertThat(applied.exitCode()).as(applied.stderr()).isEqualTo(ExitCodes.OK);
            assertThat(applied.stdout()).contains("reload applied by pid " + pa.pid())
                    .contains("logging.level: info -> debug");

            Files.writeString(b, Files.readString(b).replace("  root: tftpboot", "  root: tftpboot\n  colour: blue"));
            PeerProgram.Result rejected = reload(b);
            assertThat(rejected.exitCode()).isEqualTo(ExitCodes.CONFIG_INVALID);
            assertThat(rejected.stderr()).contains(b + ":9:3: unknown key 'tftp.colour'")
                    .contains("reload rejected by pid " + pb.pid());
            assertThat(pa.isAlive()).isTrue();
            assertThat(pb.isAlive()).isTrue();
        } finally {
            for (Process p : running) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    @Test
    void reloadWithoutARunningInstanceSaysSo() throws Exception {
        PeerProgram.Result none = reload(config("c", "info"));
        assertThat(none.exitCode()).isEqualTo(ExitCodes.NOT_RUNNING);
        assertThat(none.stderr()).contains("no running sparetire");
    }
}
