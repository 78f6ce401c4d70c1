package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The layering rules, checked on the sources of every module: services depend on core only and never on
 * each other, and Netty stays in the transport layer (core.net in core).
 */
class ArchitectureTest {
    private static final Path MODULES = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    private record Import(Path file, String target) {
        @Override
        public String toString() {
            return MODULES.relativize(file) + " imports " + target;
        }
    }

    private static List<Import> imports(String module) {
        // A module that is missing or empty would give no imports and every rule would pass unchecked.
        Path src = MODULES.resolve(module).resolve("src/main/java");
        assertThat(src).as("sources of module " + module).isDirectory();
        List<Import> result = new ArrayList<>();
        try (Stream<Path> files = Files.walk(src)) {
            List<Path> sources = files.filter(p -> p.toString().endsWith(".java")).toList();
            assertThat(sources).as("Java sources under " + src).isNotEmpty();
            for (Path f : sources) {
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    result.add(new Import(f, m.group(1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tftp", "dhcp", "syslog", "web"})
    void servicesNeverImportEachOtherOrTheApp(String service) {
        List<Import> forbidden = imports(service).stream()
                .filter(i -> i.target().startsWith("org.sparetire."))
                .filter(i -> !i.target().startsWith("org.sparetire.core.") && !i.target().startsWith("org.sparetire." + service + "."))
                .toList();
        assertThat(forbidden).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tftp", "dhcp", "syslog", "web"})
    void nettyStaysInTheTransportLayer(String service) {
        List<Import> leaks = imports(service).stream()
                .filter(i -> i.target().startsWith("io.netty."))
                .filter(i -> !MODULES.relativize(i.file()).toString().contains("/transport/"))
                .toList();
        assertThat(leaks).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void theAppLeavesNettyToCore() {
        assertThat(imports("app").stream().filter(i -> i.target().startsWith("io.netty.")).toList()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"core"})
    void coreKeepsNettyInItsNetworkRuntime(String module) {
        List<Import> leaks = imports(module).stream()
                .filter(i -> i.target().startsWith("io.netty."))
                .filter(i -> !inPackage(i.file(), "org/sparetire/core/net/runtime"))
                .toList();
        assertThat(leaks).isEmpty();
    }

    /** Netty only in each service's transport package and in core's network runtime, in every module. */
    @ParameterizedTest
    @ValueSource(strings = {"core", "tftp", "dhcp", "syslog", "web", "app", "testkit"})
    void nettyOnlyInTheTransportsAndTheCoreRuntime(String module) {
        List<Import> leaks = imports(module).stream()
                .filter(i -> i.target().startsWith("io.netty."))
                .filter(i -> !inPackage(i.file(), "org/sparetire/core/net/runtime")
                        && !inPackage(i.file(), "org/sparetire/" + module + "/transport"))
                .toList();
        assertThat(leaks).isEmpty();
    }

    /** core.net holds pure values (addresses, CIDRs, the token bucket): it never reaches into the runtime. */
    @org.junit.jupiter.api.Test
    void coreNetValuesNeverUseTheRuntime() {
        List<Import> leaks = imports("core").stream()
                .filter(i -> inPackage(i.file(), "org/sparetire/core/net"))
                .filter(i -> i.target().startsWith("io.netty.") || i.target().startsWith("org.sparetire.core.net.runtime."))
                .toList();
        assertThat(leaks).isEmpty();
        assertThat(imports("core")).as("the pure package has sources to check")
                .anyMatch(i -> inPackage(i.file(), "org/sparetire/core/net"));
    }

    /** Whether a source file sits directly in this package (given as a path), not in a sub-package. */
    private static boolean inPackage(Path file, String packagePath) {
        return file.getParent().endsWith(Path.of(packagePath));
    }

    @org.junit.jupiter.api.Test
    void aModuleWithoutSourcesFailsInsteadOfPassingUnchecked() {
        assertThatThrownBy(() -> imports("no-such-module")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("sources of module no-such-module");
    }
}
