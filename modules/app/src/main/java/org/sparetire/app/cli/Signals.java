package org.sparetire.app.cli;

import org.slf4j.LoggerFactory;

/** SIGHUP for reload. The handler only posts work to the lifecycle thread, as dnsmasq does. */
final class Signals {
    private Signals() {
    }

    @SuppressWarnings("restriction")
    static void onHangup(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // Windows has no SIGHUP: `sparetire reload` is unavailable there, restart instead.
            LoggerFactory.getLogger(Signals.class).debug("SIGHUP not available here: {}", e.getMessage());
        }
    }
}
