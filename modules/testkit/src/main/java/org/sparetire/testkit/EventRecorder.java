package org.sparetire.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.sparetire.core.event.Event;
import org.sparetire.core.event.EventBus;

/** Subscribes to a bus and keeps every event, so tests can assert what a service published. */
public final class EventRecorder implements AutoCloseable {
    private final List<Event> events = new ArrayList<>();
    private final EventBus.Subscription subscription;

    public EventRecorder(EventBus bus) {
        subscription = bus.subscribeAll(this::record);
    }

    private synchronized void record(Event e) {
        events.add(e);
        notifyAll();
    }

    public synchronized <E extends Event> List<E> all(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Forgets what was recorded so far: tests that share one service match only the events they caused. */
    public synchronized void clear() {
        events.clear();
    }

    /** Waits (on real sockets) until an event of the type matches, or fails after the timeout. */
    public synchronized <E extends Event> E await(Class<E> type, Predicate<? super E> match, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Event e : events) {
                if (type.isInstance(e) && match.test(type.cast(e))) {
                    return type.cast(e);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + type.getSimpleName() + " matched within " + timeout + "; saw " + events);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    public <E extends Event> E await(Class<E> type, Duration timeout) throws InterruptedException {
        return await(type, e -> true, timeout);
    }

    @Override
    public void close() {
        subscription.close();
    }
}
