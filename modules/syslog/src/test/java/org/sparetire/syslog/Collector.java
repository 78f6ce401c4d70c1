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
import java.time.Duration;
import java.util.List;
import org.sparetire.core.config.ConfigLoader;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.testkit.TestServices;

/** A running SyslogService on loopback, configured from YAML, for socket tests. */
final class Collector implements AutoCloseable {
    final Path dir;
    final ServiceContext context;
    final SyslogService service;

    Collector(Path dir, String yaml) throws Exception {
        this.dir = dir;
        this.context = TestServices.context();
        this.service = new SyslogService(config(dir, yaml), context);
        service.start();
    }

    static SyslogConfig config(Path dir, String yaml) throws Exception {
        StringBuilder text = new StringBuilder("syslog:\n");
        if (!yaml.contains("bind:")) {
            text.append("  bind: 127.0.0.1\n");
        }
        if (!yaml.contains("udp:")) {
            text.append("  udp: {port: 0}\n");
        }
        if (!yaml.contains("directory:")) {
            text.append("  directory: logs\n");
        }
        text.append(yaml.indent(2));
        return new ConfigLoader(List.of(SyslogConfig.SECTION)).loadText(text.toString(), "test.yaml", dir, ConfigOverrides.none())
                .section(SyslogConfig.SECTION);
    }

    int udpPort() {
        return service.health().port("udp", "syslog");
    }

    int tcpPort() {
        return service.health().port("tcp", "syslog");
    }

    Path file(String name) {
        return dir.resolve("logs").resolve(name);
    }

    void sendUdp(String... messages) throws IOException {
        sendUdp(InetAddress.getLoopbackAddress(), udpPort(), messages);
    }

    static void sendUdp(InetAddress to, int port, String... messages) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            for (String m : messages) {
                byte[] b = m.getBytes(StandardCharsets.UTF_8);
                s.send(new DatagramPacket(b, b.length, new InetSocketAddress(to, port)));
            }
        }
    }

    /** Waits until the file has at least {@code count} lines (the writer flushes within a second). */
    List<String> awaitLines(String name, int count) throws Exception {
        return awaitLines(file(name), count, Duration.ofSeconds(10));
    }

    static List<String> awaitLines(Path file, int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (lines.size() >= count) {
                    return lines;
                }
            }
            Thread.sleep(20);
        }
        assertThat(lines).as("lines in " + file).hasSizeGreaterThanOrEqualTo(count);
        return lines;
    }

    @Override
    public void close() {
        service.stop(Duration.ofSeconds(5));
        context.net().close();
    }
}
