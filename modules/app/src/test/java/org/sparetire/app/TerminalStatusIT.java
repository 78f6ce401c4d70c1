package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.testkit.PeerProgram;

/**
 * serve on a real terminal (a pseudo-terminal from script(1)) 77 columns wide: the live status keeps the
 * dashboard's address, this machine's addresses and the folders on screen, and no line is wider than the
 * terminal says it is, with no $COLUMNS to go by.
 */
class TerminalStatusIT {
    private static final Path JAR = Path.of("target/sparetire.jar").toAbsolutePath();
    private static final String CSI = "\u001b\\[[0-9;]*[A-Za-z]";

    @TempDir
    Path work;

    @Test
    void theStatusFitsTheTerminalAndKeepsTheAddressesOnScreen() throws Exception {
        Path script = PeerProgram.require("script", "bsdutils");
        Path out = work.resolve("terminal.out");
        String serve = "stty cols 77 rows 30; unset COLUMNS; exec java -jar " + JAR + " serve --tftp-port 0 --syslog-port 0 "
                + "--web-port 0 --pid-file " + work.resolve("pid");
        Process p = new ProcessBuilder(script.toString(), "-qfec", serve, "/dev/null").directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            String screen = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() - deadline < 0 && !screen.contains("Syslog files")) {
                Thread.sleep(100);
                screen = Files.readString(out, StandardCharsets.UTF_8);
            }
            String frame = screen.substring(Math.max(0, screen.lastIndexOf("\u001b[H\u001b[J")));
            assertThat(frame).as(screen).containsPattern("\nDashboard +http://127\\.0\\.0\\.1:[0-9]+/")
                    .contains("\nThis machine  ").contains("\nTFTP folder   " + work.resolve("tftpboot").toRealPath())
                    .contains("\nSyslog files  ");
            String[] lines = frame.replaceAll(CSI, "").split("\r?\n");
            assertThat(Arrays.stream(lines).mapToInt(String::length).max().orElse(0)).as(frame).isLessThanOrEqualTo(77);
            assertThat(screen).doesNotContainIgnoringCase("warning");
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
