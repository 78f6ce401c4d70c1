package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.dhcp.DhcpConfig;
import picocli.CommandLine;

/** Every shipped example is a whole, valid appliance config, and `dhcp explain` runs on it. */
class PresetsTest {
    static Stream<Path> presets() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("../../conf/examples"))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("presets")
    void loadsWithEveryServiceSection(Path preset) throws Exception {
        assertThat(Appliance.configLoader().load(preset, ConfigOverrides.none()).section(DhcpConfig.SECTION).enabled())
                .isTrue();
    }

    @ParameterizedTest
    @MethodSource("presets")
    void explainRunsOnIt(Path preset) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("dhcp", "explain", "-c", preset.toString(), "--mac", "52:54:00:12:34:56", "--arch", "7",
                "--vendor-class", "PXEClient:Arch:00007:UNDI:003016");
        assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).isNotBlank();
    }
}
