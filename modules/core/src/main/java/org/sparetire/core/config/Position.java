package org.sparetire.core.config;

/**
 * Where a config value came from: a file position (1-based line and column), or a command-line flag.
 */
public record Position(String source, int line, int column) {

    public static Position commandLine(String flag) {
        return new Position(flag, 0, 0);
    }

    public boolean fromCommandLine() {
        return line == 0;
    }

    @Override
    public String toString() {
        return fromCommandLine() ? "command line " + source : source + ":" + line + ":" + column;
    }
}
