package org.sparetire.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

class UntouchedFoldersTest {
    @TempDir
    Path dir;

    static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode") & 07777;
    }

    @Test
    void watchesTmpTheBuildFolderAndEveryFolderAboveThem() {
        List<Path> folders = UntouchedFolders.defaultFolders();
        assertThat(folders).contains(Path.of("/tmp"), Path.of("/"), Path.of("target").toAbsolutePath(),
                Path.of("").toAbsolutePath(), Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath());
    }

    @Test
    void aLostStickyBitIsReportedAndPutBack() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 01777);
        UntouchedFolders guard = new UntouchedFolders(List.of(shared, dir));
        Map<Path, UntouchedFolders.Mode> before = guard.snapshot();

        Files.setAttribute(shared, "unix:mode", 0777);
        List<String> changes = guard.restoreChanges(before);

        assertThat(changes).singleElement().asString().startsWith(shared + " was 1777 ").contains("became 0777")
                .endsWith("(put back)");
        assertThat(mode(shared)).isEqualTo(01777);
        assertThat(guard.restoreChanges(before)).isEmpty();
    }

    /**
     * Run only through the launcher below (surefire skips nested classes): what the atftpd test once did to
     * /tmp, done to the build folder, which the guard watches too.
     */
    static class ChangesTheBuildFolder {
        @Test
        void togglesTheStickyBit() throws IOException {
            Path target = Path.of("target");
            Files.setAttribute(target, "unix:mode", mode(target) ^ 01000);
        }
    }

    @Test
    void aTestThatChangesAWatchedFolderFailsAndTheModeIsPutBack() throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        int before = mode(target);
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(ChangesTheBuildFolder.class))
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .configurationParameter("junit.jupiter.extensions.autodetection.include",
                        UntouchedFolders.class.getName())
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);

        TestExecutionSummary summary = listener.getSummary();
        assertThat(summary.getTestsStartedCount()).isEqualTo(1);
        assertThat(summary.getFailures()).singleElement().satisfies(f -> assertThat(f.getException())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("togglesTheStickyBit() changed folders it did not create in the test")
                .hasMessageContaining(target + " was " + String.format("%04o", before))
                .hasMessageContaining("(put back)"));
        assertThat(mode(target)).isEqualTo(before);
    }
}
