package org.sparetire.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/** State of one bind pass: where positions point, what paths resolve against, and the problems so far. */
final class BindContext {
    private final String sourceLabel;
    private final Path baseDir;
    private final Path workingDir;
    private final List<ConfigProblem> problems = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();
    private final List<ConfigMapping> mappings = new ArrayList<>();
    private final Map<Node, String> overrideFlags = Collections.synchronizedMap(new IdentityHashMap<>());

    BindContext(String sourceLabel, Path baseDir, Path workingDir) {
        this.sourceLabel = sourceLabel;
        this.baseDir = baseDir;
        this.workingDir = workingDir;
    }

    Position positionOf(Node node) {
        String flag = overrideFlags.get(node);
        if (flag != null) {
            return Position.commandLine(flag);
        }
        return positionOf(node.getStartMark());
    }

    Position positionOf(Mark mark) {
        if (mark == null) {
            return new Position(sourceLabel, 1, 1);
        }
        // snakeyaml marks are 0-based; editors count from 1.
        return new Position(sourceLabel, mark.getLine() + 1, mark.getColumn() + 1);
    }

    /**
     * Relative paths in the file resolve against the file's folder; on the command line, against the cwd.
     * The folder's own file system reads the text, so that Windows rules (drive letters, backslashes, UNC
     * names) apply where the config lives.
     */
    Path resolve(Node node, String value) {
        Path base = overrideFlags.containsKey(node) ? workingDir : baseDir;
        Path p = base.getFileSystem().getPath(value);
        if (p.isAbsolute()) {
            return p.normalize();
        }
        return base.resolve(p).toAbsolutePath().normalize();
    }

    void markOverride(Node node, String flag) {
        overrideFlags.put(node, flag);
    }

    void report(Position position, String message) {
        problems.add(new ConfigProblem(position, message));
    }

    void warn(Position position, String message) {
        warnings.add(new ConfigProblem(position, message));
    }

    List<ConfigProblem> warnings() {
        return List.copyOf(warnings);
    }

    void track(ConfigMapping mapping) {
        mappings.add(mapping);
    }

    /** Runs after binding, so a key counts as known if any binder read it. */
    void reportUnknownKeys() {
        for (ConfigMapping m : List.copyOf(mappings)) {
            m.reportUnknownKeys();
        }
    }

    List<ConfigProblem> problems() {
        List<ConfigProblem> sorted = new ArrayList<>(problems);
        sorted.sort((a, b) -> {
            int c = Integer.compare(a.position().line(), b.position().line());
            return c != 0 ? c : Integer.compare(a.position().column(), b.position().column());
        });
        return sorted;
    }
}
