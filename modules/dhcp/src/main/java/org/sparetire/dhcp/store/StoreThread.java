package org.sparetire.dhcp.store;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The ending of a store's own thread, shared by the journal's writer and the database store's thread. */
final class StoreThread {
    private StoreThread() {
    }

    /** The thread was told to stop (queued after the work): wait up to {@code grace}, then interrupt it. */
    static void end(Thread worker, Duration grace) {
        try {
            worker.join(Math.max(1, grace.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            worker.interrupt();
            try {
                worker.join(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
