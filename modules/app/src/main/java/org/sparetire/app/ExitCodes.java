package org.sparetire.app;

/** Exit codes of every sparetire command; the README documents them. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** A service could not start (port in use, permission denied, ...) or failed while running. */
    public static final int SERVICE_FAILED = 1;
    /** The command line was wrong (unknown option, missing argument). */
    public static final int USAGE = 2;
    /** The configuration file is invalid; every problem was printed as file:line:col. */
    public static final int CONFIG_INVALID = 3;
    /** A command that needs a running sparetire (reload) found none. */
    public static final int NOT_RUNNING = 4;

    private ExitCodes() {
    }
}
