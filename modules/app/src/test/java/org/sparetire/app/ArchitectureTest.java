package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

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
    private static final List<String> SERVICES = List.of("tftp", "dhcp", "syslog", "web");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    private record Import(Path file, String target) {
        @Override
        public String toString() {
            return MODULES.relativize(file) + " imports " + target;
        }
    }

    private static List<Import> imports(String module) {
        Path src = MODULES.resolve(module).resolve("src/main/java");
        List<Import> result = new ArrayList<>();
        if (!Files.isDirectory(src)) {
            return result;
        }
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
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
        assertThat(SERVICES).contains(service);
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
    void coreKeepsNettyInItsNetworkPackage(String module) {
        List<Import> leaks = imports(module).stream()
                .filter(i -> i.target().startsWith("io.netty."))
                .filter(i -> !MODULES.relativize(i.file()).toString().contains("/core/net/"))
                .toList();
        assertThat(leaks).isEmpty();
        assertThat(imports(module)).as("core sources were found").isNotEmpty();
    }
}
