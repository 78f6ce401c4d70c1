package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.sparetire.testkit.PeerProgram;

/** scripts/sparetire run by an ordinary user prints what was asked and no JVM warning. */
class LauncherIT {
    private static final Path LAUNCHER = Path.of("../../scripts/sparetire").toAbsolutePath().normalize();

    @Test
    void aNonRootRunPrintsNoJvmWarning() throws Exception {
        // The jar is fresh from this build, so the launcher runs it without rebuilding; no CDS training run.
        String command = "cd /tmp && SPARETIRE_CDS=0 " + LAUNCHER + " version";
        boolean root = "root".equals(System.getProperty("user.name"));
        PeerProgram.Result result = root
                ? PeerProgram.run(Duration.ofSeconds(60), "su", "nobody", "-s", "/bin/bash", "-c", command)
                : PeerProgram.run(Duration.ofSeconds(60), "bash", "-c", command);
        result.assertSuccess();
        assertThat(result.stdout()).startsWith("sparetire ");
        assertThat(result.stdout() + result.stderr()).doesNotContainIgnoringCase("warning");
    }
}
