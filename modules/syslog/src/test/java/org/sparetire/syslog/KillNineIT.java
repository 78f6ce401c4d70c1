package org.sparetire.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collector killed with SIGKILL while it files a stream, then started again over the same folder: the
 * half line the kill left is ended before new lines are added, so no line of all.log or of the device's
 * file ever continues another.
 */
class KillNineIT {
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z ");
    private static final int KILLS = 3;
    @TempDir
    Path dir;

    @Test
    void noLineContinuesAnotherAfterKillsMidWrite() throws Exception {
        for (int run = 0; run < KILLS; run++) {
            Process p = start(run);
            int port = awaitReady(p, run);
            AtomicBoolean sending = new AtomicBoolean(true);
            String tag = "run" + run;
            Thread sender = new Thread(() -> flood(port, tag, sending));
            sender.start();
            try {
                // Well into the stream: the writer has written whole blocks, each ending inside a line.
                awaitSize(dir.resolve("logs/all.log"), (run + 1) * 512L * 1024);
            } finally {
                p.destroyForcibly(); // SIGKILL
                p.waitFor(10, TimeUnit.SECONDS);
                sending.set(false);
                sender.join();
            }
        }
        Process last = start(KILLS);
        int port = awaitReady(last, KILLS);
        send(port, "after the last restart");
        last.getOutputStream().close(); // orderly stop: everything received is filed
        assertThat(last.waitFor(30, TimeUnit.SECONDS)).isTrue();
        StringBuilder output = new StringBuilder();
        for (int run = 1; run <= KILLS; run++) {
            output.append(Files.readString(dir.resolve("run" + run + ".out")));
        }

        for (String name : List.of("all.log", "127.0.0.1.log")) {
            List<String> lines = Files.readAllLines(dir.resolve("logs").resolve(name), StandardCharsets.UTF_8);
            assertThat(lines.get(lines.size() - 1)).endsWith("after the last restart");
            List<String> joined = new ArrayList<>();
            for (String line : lines) {
                Matcher m = TIMESTAMP.matcher(line);
                if (m.find(1)) {
                    joined.add(line);
                }
            }
            assertThat(joined).as("lines in %s that continue a torn one", name).isEmpty();
        }
        assertThat(output.toString()).as("a restart found a torn line to end (else the kills proved nothing)")
                .contains("ended inside a line");
    }

    private Process start(int run) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path");
        cp = cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
        Files.deleteIfExists(dir.resolve("status"));
        return new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", cp, CollectorMain.class.getName(),
                dir.toString(), dir.resolve("status").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("run" + run + ".out").toFile()).start();
    }

    private int awaitReady(Process p, int run) throws Exception {
        Path status = dir.resolve("status");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(status) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(status).as(Files.readString(dir.resolve("run" + run + ".out"))).exists();
        return Integer.parseInt(Files.readString(status).trim().split(" ")[1]);
    }

    private static void awaitSize(Path file, long bytes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((!Files.exists(file) || Files.size(file) < bytes) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(Files.size(file)).isGreaterThanOrEqualTo(bytes);
    }

    /** Bounded: stops when told, or after a million datagrams. */
    private static void flood(int port, String tag, AtomicBoolean sending) {
        try (DatagramSocket s = new DatagramSocket()) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            for (int i = 0; i < 1_000_000 && sending.get(); i++) {
                byte[] b = ("<13>Dec  7 17:20:22 sw1 app: " + tag + " message " + i + " padding to make the line longer")
                        .getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(b, b.length, to));
                if (i % 200 == 199) {
                    TimeUnit.MICROSECONDS.sleep(200); // about a million lines a second at most; the writer keeps up
                }
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(int port, String text) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            byte[] b = ("<13>" + text).getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(b, b.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
        }
    }
}
