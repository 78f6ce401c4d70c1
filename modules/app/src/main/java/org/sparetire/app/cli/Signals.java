package org.sparetire.app.cli;

import org.slf4j.LoggerFactory;

/** SIGHUP for reload. The handler only posts work to the lifecycle thread, as dnsmasq does. */
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
}
