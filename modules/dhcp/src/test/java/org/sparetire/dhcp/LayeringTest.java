package org.sparetire.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** STYLE.md layering: Netty only in transport (and the service that wires it); dhcp4java only in codec. */
class LayeringTest {
    private static final Path MAIN = Path.of("src/main/java/org/sparetire/dhcp");

    private static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.walk(MAIN)) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    @Test
    void nettyAppearsOnlyInTransport() throws IOException {
        List<Path> all = sources();
        assertThat(all).hasSizeGreaterThan(10);
        for (Path p : all) {
            boolean transport = MAIN.relativize(p).startsWith("transport");
            if (!transport) {
                assertThat(Files.readString(p)).as(p.toString()).doesNotContain("io.netty");
            }
        }
    }

    @Test
    void dhcp4javaAppearsOnlyInCodec() throws IOException {
        for (Path p : sources()) {
            if (!MAIN.relativize(p).startsWith("codec")) {
                assertThat(Files.readString(p)).as(p.toString()).doesNotContain("org.dhcp4java");
            }
        }
    }
}
