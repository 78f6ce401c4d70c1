package org.sparetire.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that changes the mode or owner of a folder it did not create: {@code /tmp}, the JVM's
 * temporary folder, the build folder, and every folder above them. It names the test and puts the mode
 * back, so a run never leaves, say, {@code /tmp} world-writable without its sticky bit.
 *
 * <p>Every test class of a module that tests with the testkit gets it: it is listed in
 * {@code META-INF/services} and the parent pom switches on JUnit's extension auto-detection.
 */
public final class UntouchedFolders implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(UntouchedFolders.class);
    private static final String BEFORE = "before";

    private final List<Path> watched;

    public UntouchedFolders() {
        this(defaultFolders());
    }

    UntouchedFolders(List<Path> watched) {
        this.watched = List.copyOf(watched);
    }

    /** {@code /tmp}, {@code java.io.tmpdir} and the build folder ({@code target} in the working directory), with their ancestors. */
    static List<Path> defaultFolders() {
        Set<Path> all = new LinkedHashSet<>();
        withAncestors(all, Path.of("/tmp"));
        withAncestors(all, Path.of(System.getProperty("java.io.tmpdir")));
        withAncestors(all, Path.of("target"));
        return List.copyOf(all);
    }

    private static void withAncestors(Set<Path> into, Path folder) {
        for (Path p = folder.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            into.add(p);
        }
    }

    /** Permission bits (with setuid, setgid and sticky) and owner of one folder. */
    record Mode(int bits, int uid, int gid) {
        static Mode of(Path folder) throws IOException {
            return new Mode((Integer) Files.getAttribute(folder, "unix:mode") & 07777,
                    (Integer) Files.getAttribute(folder, "unix:uid"), (Integer) Files.getAttribute(folder, "unix:gid"));
        }

        @Override
        public String toString() {
            return String.format("%04o %d:%d", bits, uid, gid);
        }
    }

    /** The mode of each watched folder that exists now. */
    Map<Path, Mode> snapshot() throws IOException {
        Map<Path, Mode> modes = new LinkedHashMap<>();
        for (Path p : watched) {
            if (Files.isDirectory(p)) {
                modes.put(p, Mode.of(p));
            }
        }
        return modes;
    }

    /**
     * Compares each folder with its mode in {@code before}, puts back what changed, and describes each change
     * (empty when nothing changed).
     */
    List<String> restoreChanges(Map<Path, Mode> before) throws IOException {
        List<String> changes = new ArrayList<>();
        for (Map.Entry<Path, Mode> e : before.entrySet()) {
            Path p = e.getKey();
            Mode was = e.getValue();
            if (!Files.isDirectory(p)) {
                changes.add(p + " was removed");
                continue;
            }
            Mode now = Mode.of(p);
            if (now.equals(was)) {
                continue;
            }
            String outcome;
            try {
                if (now.uid() != was.uid()) {
                    Files.setAttribute(p, "unix:uid", was.uid());
                }
                if (now.gid() != was.gid()) {
                    Files.setAttribute(p, "unix:gid", was.gid());
                }
                Files.setAttribute(p, "unix:mode", was.bits());
                outcome = "put back";
            } catch (IOException | SecurityException ex) {
                outcome = "could not put it back: " + ex;
            }
            changes.add(p + " was " + was + ", became " + now + " (" + outcome + ")");
        }
        return changes;
    }

    private void check(ExtensionContext context, String when) throws IOException {
        @SuppressWarnings("unchecked")
        Map<Path, Mode> before = context.getStore(NAMESPACE).remove(BEFORE, Map.class);
        if (before == null) {
            return;
        }
        List<String> changes = restoreChanges(before);
        if (!changes.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " changed folders it did not create " + when + ": "
                    + String.join("; ", changes));
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        context.getStore(NAMESPACE).put(BEFORE, snapshot());
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        context.getStore(NAMESPACE).put(BEFORE, snapshot());
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        check(context, "in the test");
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        check(context, "in its class set-up or tear-down");
    }
}
