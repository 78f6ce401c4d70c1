package org.sparetire.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(List.of(DemoSection.SECTION));

    private AppConfig load(String yaml) throws ConfigException {
        return loader.loadText(yaml, "test.yaml", dir, ConfigOverrides.none());
    }

    private ConfigProblem onlyProblem(String yaml) {
        try {
            load(yaml);
        } catch (ConfigException e) {
            assertThat(e.problems()).hasSize(1);
            return e.problems().get(0);
        }
        throw new AssertionError("config was accepted: " + yaml);
    }

    @Test
    void absentSectionsTakeDefaults() throws Exception {
        AppConfig config = load("");
        DemoSection demo = config.section(DemoSection.SECTION);
        assertThat(demo.port()).isEqualTo(69);
        assertThat(demo.mode()).isEqualTo(DemoSection.Mode.READ_ONLY);
        assertThat(config.core().shutdownGrace()).isEqualTo(CoreSettings.DEFAULT_GRACE);
        assertThat(config.core().logLevel()).isEqualTo(LogLevel.INFO);
    }

    @Test
    void bindsTypedValues() throws Exception {
        Files.createDirectory(dir.resolve("boot"));
        AppConfig config = load("""
                demo:
                  port: 1069
                  root: boot
                  timeout: 250ms
                  max-size: 64KiB
                  mode: read-write
                  allow: [10.0.0.0/8, 192.168.1.7]
                lifecycle:
                  shutdown-grace: 2m
                """);
        DemoSection demo = config.section(DemoSection.SECTION);
        assertThat(demo.port()).isEqualTo(1069);
        assertThat(demo.root()).isEqualTo(dir.resolve("boot"));
        assertThat(demo.timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(demo.maxSize()).isEqualTo(65536);
        assertThat(demo.mode()).isEqualTo(DemoSection.Mode.READ_WRITE);
        assertThat(demo.allow()).extracting(Object::toString).containsExactly("10.0.0.0/8", "192.168.1.7/32");
        assertThat(config.core().shutdownGrace()).isEqualTo(Duration.ofMinutes(2));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // case                | yaml (\n separated)                        | line | col | message fragment
        "unknown key           | demo:\\n  port: 69\\n  prot: 70            | 3 | 3  | unknown key 'demo.prot' (did you mean 'port'?)",
        "unknown section       | demo:\\n  port: 69\\ndmeo:\\n  port: 1     | 3 | 1  | unknown key 'dmeo' (did you mean 'demo'?)",
        "wrong type (mapping)  | demo:\\n  port:\\n    number: 69          | 3 | 5  | demo.port: expected a port number, found a mapping",
        "wrong type (text)     | demo:\\n  enabled: maybe                  | 2 | 12 | demo.enabled: expected true or false, found 'maybe'",
        "port out of range     | demo:\\n  port: 70000                     | 2 | 9  | demo.port: port must be between 0 and 65535, got 70000",
        "missing directory     | demo:\\n  root: nowhere                   | 2 | 9  | demo.root: directory does not exist: ",
        "bad duration          | demo:\\n  timeout: soon                   | 2 | 12 | demo.timeout: expected a duration",
        "duration overflows    | demo:\\n  timeout: 99999999999999999us    | 2 | 12 | demo.timeout: duration too long",
        "bad choice            | demo:\\n  mode: read-wirte                | 2 | 9  | (did you mean 'read-write'?)",
        "bad cidr item         | demo:\\n  allow: [10.0.0.0/8, 10.0.0.0/33] | 2 | 23 | demo.allow[1]: prefix length must be 0..32, got 33",
        "duplicate key         | demo:\\n  port: 69\\n  port: 70            | 3 | 3  | duplicate key 'port' (first given at line 2)",
        "yaml syntax           | demo:\\n  port: [69\\n                    | 3 | 1  | YAML syntax:",
        "section not a mapping | demo: 69                                 | 1 | 7  | demo: expected a mapping of keys, found '69'",
        "root not a mapping    | - demo                                   | 1 | 1  | the config must be a mapping of sections",
        "core setting          | lifecycle:\\n  shutdown-grace: forever    | 2 | 19 | lifecycle.shutdown-grace: expected a duration",
    })
    void everyProblemNamesItsPosition(String name, String yaml, int line, int column, String fragment) {
        ConfigProblem problem = onlyProblem(yaml.replace("\\n", "\n"));
        assertThat(problem.position()).isEqualTo(new Position("test.yaml", line, column));
        assertThat(problem.message()).contains(fragment);
        assertThat(problem.toString()).startsWith("test.yaml:" + line + ":" + column + ": ");
    }

    @Test
    void reportsEveryProblemInFileOrder() {
        assertThatThrownBy(() -> load("""
                demo:
                  port: -1
                  enabled: perhaps
                  colour: blue
                """))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(p -> p.position().line())
                        .containsExactly(2, 3, 4));
    }

    @Test
    void relativePathsResolveAgainstTheConfigFilesFolder() throws Exception {
        Path confDir = Files.createDirectories(dir.resolve("etc"));
        Files.createDirectory(confDir.resolve("boot"));
        Path file = confDir.resolve("sparetire.yaml");
        Files.writeString(file, "demo:\n  root: ./boot\n");
        AppConfig config = loader.load(file, ConfigOverrides.none());
        assertThat(config.section(DemoSection.SECTION).root()).isEqualTo(confDir.resolve("boot"));
        assertThat(config.source()).isEqualTo(file.toString());
    }

    @Test
    void unreadableFilesAreProblemsAtLineOne() {
        Path missing = dir.resolve("missing.yaml");
        assertThatThrownBy(() -> loader.load(missing, ConfigOverrides.none()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems().get(0).toString())
                        .isEqualTo(missing + ":1:1: cannot read config: no such file"));
        assertThatThrownBy(() -> loader.load(dir, ConfigOverrides.none()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems().get(0).toString())
                        .isEqualTo(dir + ":1:1: cannot read config: is a directory"));
    }

    @Test
    void invalidUtf8IsRejectedNotGarbled() throws Exception {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, new byte[] {'d', 'e', 'm', 'o', ':', ' ', (byte) 0xe9, '\n'});
        assertThatThrownBy(() -> loader.load(file, ConfigOverrides.none()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems().get(0).message())
                        .isEqualTo("cannot read config: not valid UTF-8"));
    }

    @Test
    void commandLineOverridesReplaceFileValuesAndNameTheFlagInErrors() throws Exception {
        Files.createDirectory(dir.resolve("boot"));
        ConfigOverrides overrides = ConfigOverrides.none().set("demo.port", "1234", "--demo-port");
        AppConfig config = loader.loadText("demo:\n  port: 69\n", "test.yaml", dir, overrides);
        assertThat(config.section(DemoSection.SECTION).port()).isEqualTo(1234);

        ConfigOverrides bad = ConfigOverrides.none().set("demo.port", "99999", "--demo-port");
        assertThatThrownBy(() -> loader.loadText("", "test.yaml", dir, bad))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems().get(0).toString())
                        .isEqualTo("command line --demo-port: demo.port: port must be between 0 and 65535, got 99999"));
    }

    @Test
    void commandLinePathsResolveAgainstTheWorkingDirectory() throws Exception {
        Path absolute = Files.createDirectory(dir.resolve("elsewhere"));
        ConfigOverrides overrides = ConfigOverrides.none().set("demo.root", absolute.toString(), "--demo-root");
        AppConfig config = loader.loadText("demo:\n  root: nowhere\n", "test.yaml", dir, overrides);
        assertThat(config.section(DemoSection.SECTION).root()).isEqualTo(absolute);
    }

    @Test
    void overrideIntoAnEmptySectionCreatesIt() throws Exception {
        ConfigOverrides overrides = ConfigOverrides.none().set("demo.enabled", "false", "--no-demo");
        AppConfig config = loader.loadText("demo:\n", "test.yaml", dir, overrides);
        assertThat(config.section(DemoSection.SECTION).enabled()).isFalse();
    }

    @Test
    void equalFilesBindToEqualSections() throws Exception {
        String yaml = "demo:\n  port: 1\n  allow: [10.0.0.0/8]\n  ranges:\n    - {from: 10.0.0.1, to: 10.0.0.9}\n";
        assertThat(load(yaml).section(DemoSection.SECTION)).isEqualTo(load(yaml).section(DemoSection.SECTION));
        assertThat(load(yaml).section(DemoSection.SECTION))
                .isNotEqualTo(load(yaml.replace("port: 1", "port: 2")).section(DemoSection.SECTION));
    }

    @Test
    void printerShowsEveryEffectiveValue() throws Exception {
        String printed = ConfigPrinter.print(load("demo:\n  ranges:\n    - {from: 10.0.0.1, to: 10.0.0.9}\n"));
        assertThat(printed)
                .contains("lifecycle:\n  shutdown-grace: 5s\n")
                .contains("demo:\n  enabled: true\n")
                .contains("  timeout: 1s\n")
                .contains("  mode: read-only\n")
                .contains("  ranges:\n    - from: 10.0.0.1\n      to: 10.0.0.9\n");
        assertThat(ConfigPrinter.print(load("demo:\n  timeout: 250us\n"))).contains("  timeout: 250us\n");
        assertThat(ConfigPrinter.print(load("demo:\n  timeout: 1500ms\n"))).contains("  timeout: 1500ms\n");
    }
}
