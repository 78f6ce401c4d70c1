package org.sparetire.app.cli;

import org.slf4j.LoggerFactory;

/**
 * SIGHUP for reload, SIGTERM and SIGINT for an orderly stop. The handlers only post work to another thread,
 * as dnsmasq does.
 */
final class Signals {
    private Signals() {
    }

    /**
     * @return false when SIGHUP cannot reach this process: a parent that ignores it (nohup) passes that
     *         on, and the JVM then leaves it ignored instead of installing the handler
     */
    @SuppressWarnings("restriction")
    static boolean onHangup(Runnable action) {
        try {
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
            return previous != sun.misc.SignalHandler.SIG_IGN;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // Windows has no SIGHUP: `sparetire reload` is unavailable there.
            LoggerFactory.getLogger(Signals.class).debug("SIGHUP not available here: {}", e.getMessage());
            return false;
        }
    }

    /**
     * Handles SIGTERM and SIGINT instead of the JVM's default, which runs the shutdown hooks and then exits
     * 143 or 130: a service manager reads that as a failure, while a requested stop is a success.
     *
     * @return false when neither signal could be taken over (the caller's shutdown hook then stops)
     */
    @SuppressWarnings("restriction")
    static boolean onTerminate(Runnable action) {
        boolean any = false;
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> action.run());
                // A signal the parent ignores (a background job's SIGINT) stays ignored, as with SIGHUP.
                any |= previous != sun.misc.SignalHandler.SIG_IGN;
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                LoggerFactory.getLogger(Signals.class).debug("SIG{} not available here: {}", name, e.getMessage());
            }
        }
        return any;
    }
}
