package org.sparetire.dhcp.store;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The ending of a store's own thread, shared by the journal's writer and the database store's thread. */
final class StoreThread {
    private StoreThread() {
    }

    /** Queues the stop after the work already queued, waits up to {@code grace}, then interrupts the thread. */
    static <W> void stop(java.util.concurrent.BlockingQueue<W> queue, W stop, Thread worker, Duration grace) {
        queue.add(stop);
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
