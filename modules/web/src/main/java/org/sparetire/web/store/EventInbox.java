package org.sparetire.web.store;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.sparetire.core.event.Event;
import org.sparetire.core.event.SyslogReceived;
import org.sparetire.core.event.TransferProgress;

/**
 * Events from the services' event loops, queued without a lock and applied later by the one thread
 * that owns a view: a publisher never waits for a reader. A flood that outruns the reader by {@code max}
 * costs syslog lines and progress reports, never lease, transfer or service events.
 */
public final class EventInbox {
    private final ConcurrentLinkedQueue<Event> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder skipped = new LongAdder();
    private final int max;

    public EventInbox(int max) {
        this.max = max;
    }

    /** From any thread, never blocks; false when the event was skipped. */
    public boolean offer(Event event) {
        if (queued.incrementAndGet() > max && (event instanceof SyslogReceived || event instanceof TransferProgress)) {
            queued.decrementAndGet();
            skipped.increment();
            return false;
        }
        queue.add(event);
        return true;
    }

    /** Applies what is queued, in order; the caller makes sure only one thread drains at a time. */
    public void drainTo(Consumer<Event> apply) {
        Event e;
        while ((e = queue.poll()) != null) {
            queued.decrementAndGet();
            apply.accept(e);
        }
    }

    public long skipped() {
        return skipped.sum();
    }
}
