package org.sparetire.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Netty stays in the transport package; everything else is plain Java that tests without sockets. */
class NettyConfinementTest {
    @Test
    void nettyIsImportedOnlyInTransport() throws IOException {
        Path root = Path.of("src/main/java/org/sparetire/web");
        assertThat(root).isDirectory();
        List<String> offenders;
        try (Stream<Path> files = Files.walk(root)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !root.relativize(p).toString().startsWith("transport/"))
                    .filter(p -> {
                        try {
                            return Files.readString(p).contains("io.netty");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .map(p -> root.relativize(p).toString())
                    .toList();
        }
        assertThat(offenders).isEmpty();
        try (Stream<Path> files = Files.walk(root.resolve("transport"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".java")).count()).isGreaterThan(0);
        }
    }
}
