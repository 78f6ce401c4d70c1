package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.core.config.ConfigPrinter;

/**
 * What `check` prints is itself a config: read back, it has no problems and prints the same again. And an
 * empty file means what the shipped reference file means, except where the reference chooses on purpose.
 */
class EffectiveConfigTest {
    private static final Path EXAMPLES = Path.of("../../conf/examples");

    @TempDir
    Path dir;

    static Stream<String> configs() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return Stream.concat(Stream.of("embedded"),
                    files.filter(f -> f.toString().endsWith(".yaml")).map(Path::toString).sorted().toList().stream());
        }
    }

    /** The printed config without its two comment lines naming the source. */
    private static String body(AppConfig config) {
        String printed = ConfigPrinter.print(config);
        assertThat(printed).startsWith("# effective configuration from ");
        return printed.substring(printed.indexOf('\n', printed.indexOf('\n') + 1) + 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void theEffectiveConfigReadsBackAsItself(String source) throws Exception {
        Files.createDirectories(dir.resolve("tftpboot"));
        AppConfig first = source.equals("embedded")
                ? Appliance.configLoader().loadText(ConfigFiles.embeddedText(), "embedded", dir, ConfigOverrides.none())
                : Appliance.configLoader().load(Path.of(source), ConfigOverrides.none());
        String printed = body(first);
        Path again = Files.writeString(dir.resolve("effective.yaml"), printed);
        AppConfig second = Appliance.configLoader().load(again, ConfigOverrides.none());
        assertThat(body(second)).isEqualTo(printed);
        assertThat(second.sections()).isEqualTo(first.sections());
        assertThat(second.core()).isEqualTo(first.core());
    }

    @Test
    void itUsesTheFilesOwnKeysAndNotation() throws Exception {
        AppConfig config = Appliance.configLoader().loadText(ConfigFiles.embeddedText(), "embedded", dir, ConfigOverrides.none());
        assertThat(body(config))
                .contains("\n  rate-limit:\n    per-sender: 0\n")
                .contains("\n  port-range: any\n")
                .contains("\n    read: [0.0.0.0/0, \"::/0\"]\n")
                .contains("\n  rogue-check:\n    action: warn\n    wait: 4s\n")
                .contains("\n    max-size: 64MiB\n")
                .doesNotContain(" per-second:").doesNotContain("prefix-length").doesNotContain(" low:");
    }

    @Test
    void anEmptyFileDiffersFromTheReferenceOnlyWhereTheReferenceChoosesOnPurpose() throws Exception {
        Files.createDirectories(dir.resolve("tftpboot"));
        Map<String, String> reference = flatten(body(
                Appliance.configLoader().loadText(ConfigFiles.embeddedText(), "embedded", dir, ConfigOverrides.none())));
        Map<String, String> empty = flatten(body(
                Appliance.configLoader().loadText("", "empty", dir, ConfigOverrides.none())));
        Map<String, String> differences = new LinkedHashMap<>();
        for (String key : reference.keySet()) {
            if (!reference.get(key).equals(empty.getOrDefault(key, "(absent)"))) {
                differences.put(key, empty.getOrDefault(key, "(absent)") + " -> " + reference.get(key));
            }
        }
        for (String key : empty.keySet()) {
            if (!reference.containsKey(key)) {
                differences.put(key, empty.get(key) + " -> (absent)");
            }
        }
        // The reference makes the TFTP root at start so that a fresh checkout serves at once; a file of
        // one's own that names a root should say so itself.
        assertThat(differences).isEqualTo(Map.of("tftp.create-root", "false -> true"));
    }

    /** "tftp.create-root" -> "true", for the printed YAML's scalar lines (lists of mappings by index). */
    private static Map<String, String> flatten(String yaml) {
        Map<String, String> flat = new LinkedHashMap<>();
        List<String> path = new java.util.ArrayList<>();
        for (String line : yaml.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int depth = (line.length() - line.stripLeading().length()) / 2;
            String text = line.strip();
            boolean comment = text.startsWith("# ");
            if (comment) {
                text = text.substring(2);
            }
            int colon = text.indexOf(':');
            String key = text.substring(0, colon);
            String value = text.substring(colon + 1).strip();
            while (path.size() > depth) {
                path.remove(path.size() - 1);
            }
            path.add(key);
            if (!value.isEmpty()) {
                flat.put(String.join(".", path), comment ? "(not set)" : value);
            }
        }
        return flat;
    }
}
