package org.sparetire.dhcp.store;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the database answers: one log line and one listener call when it stops, and again when it is
 * back, however many statements fail in between. Told by the store's threads after each try.
 */
final class PgHealth {
    private static final Logger log = LoggerFactory.getLogger(PgHealth.class);
    private final String url;
    private final Supplier<Instant> clock;
    private final PostgresLeaseStore.Listener listener;
    private boolean reachable = true;
    private Instant downSince;

    PgHealth(String url, Supplier<Instant> clock, PostgresLeaseStore.Listener listener) {
        this.url = url;
        this.clock = clock;
        this.listener = listener;
    }

    synchronized boolean reachable() {
        return reachable;
    }

    synchronized String status(long commits) {
        return reachable ? "lease-store=postgresql commits=" + commits
                : "lease-store=postgresql UNREACHABLE since " + downSince + " (every OFFER and ACK withheld)";
    }

    void down(Exception e) {
        String msg;
        synchronized (this) {
            if (!reachable) {
                return;
            }
            reachable = false;
            downSince = clock.get();
            msg = "lease store postgresql " + url + " unreachable: " + reason(e)
                    + "; withholding every OFFER and ACK until it answers again";
        }
        log.error("dhcp {}", msg);
        listener.reachability(false, msg);
    }

    void up() {
        String msg;
        synchronized (this) {
            if (reachable) {
                return;
            }
            reachable = true;
            msg = "lease store postgresql " + url + " reachable again after "
                    + Duration.between(downSince, clock.get()).toSeconds() + "s; serving";
        }
        log.info("dhcp {}", msg);
        listener.reachability(true, msg);
    }

    /** The driver's own words, without a stack trace; the innermost cause says most (connection refused). */
    static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
