package org.sparetire.tftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** STYLE.md layering: Netty only in transport; codec and session know nothing of sockets or files. */
class LayeringTest {
    private static final Path MAIN = Path.of("src/main/java/org/sparetire/tftp");

    private static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.walk(MAIN)) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    @Test
    void nettyAppearsOnlyInTransport() throws IOException {
        List<Path> all = sources();
        assertThat(all).hasSizeGreaterThan(30);
        for (Path p : all) {
            if (!MAIN.relativize(p).startsWith("transport")) {
                assertThat(Files.readString(p)).as(p.toString()).doesNotContain("io.netty");
            }
        }
    }

    @Test
    void codecAndSessionDoNoIoAndReadNoClock() throws IOException {
        for (Path p : sources()) {
            Path rel = MAIN.relativize(p);
            if (rel.startsWith("codec") || rel.startsWith("session")) {
                String text = Files.readString(p);
                assertThat(text).as(p.toString()).doesNotContain("java.nio.file").doesNotContain("java.net.Datagram")
                        .doesNotContain("System.currentTimeMillis").doesNotContain("System.nanoTime")
                        .doesNotContain("Thread.sleep").doesNotContain("org.sparetire.tftp.policy");
            }
        }
    }

    /** The transport's deciding half stays plain Java, tested without sockets (TransferPlannerTest). */
    @Test
    void theRequestDecisionIsNettyFree() throws IOException {
        for (String name : List.of("TransferPlanner", "TransferPlan", "TransferRecord", "TransferListener",
                "ServerSettings")) {
            assertThat(Files.readString(MAIN.resolve("transport/" + name + ".java"))).as(name).doesNotContain("io.netty");
        }
    }
}
