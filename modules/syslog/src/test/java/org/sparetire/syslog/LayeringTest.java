package org.sparetire.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * STYLE.md layering: Netty only in transport; codec depends on nothing else of ours; the pipeline (queues and
 * writer) files into the store, and neither reaches into transport; the store never into the pipeline.
 */
class LayeringTest {
    private static final Path SRC = Path.of("src/main/java/org/sparetire/syslog");

    private static List<String> violations(String packageDir, String... forbidden) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SRC.resolve(packageDir))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    for (String prefix : forbidden) {
                        if (line.startsWith("import " + prefix) || line.startsWith("import static " + prefix)) {
                            found.add(SRC.relativize(f) + ": " + line);
                        }
                    }
                }
            }
        }
        return found;
    }

    @Test
    void nettyAppearsOnlyInTransport() throws IOException {
        assertThat(Files.isDirectory(SRC.resolve("transport"))).isTrue();
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SRC)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (SRC.relativize(f).startsWith("transport")) {
                    continue;
                }
                String text = Files.readString(f);
                if (text.contains("io.netty")) {
                    found.add(SRC.relativize(f).toString());
                }
            }
        }
        assertThat(found).isEmpty();
    }

    @Test
    void codecIsPure() throws IOException {
        assertThat(violations("codec", "org.sparetire.syslog.store", "org.sparetire.syslog.pipeline",
                "org.sparetire.syslog.policy", "org.sparetire.syslog.transport", "org.sparetire.core", "java.io.File",
                "java.nio.file", "java.net"))
                .isEmpty();
    }

    @Test
    void storePipelineAndPolicyNeverReachIntoTransport() throws IOException {
        assertThat(violations("store", "org.sparetire.syslog.transport", "org.sparetire.syslog.pipeline")).isEmpty();
        assertThat(violations("pipeline", "org.sparetire.syslog.transport")).isEmpty();
        assertThat(violations("policy", "org.sparetire.syslog.transport", "org.sparetire.syslog.store",
                "org.sparetire.syslog.pipeline")).isEmpty();
    }
}
