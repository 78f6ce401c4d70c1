package org.sparetire.core.event;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Typed, synchronous publish/subscribe. Publishing runs every matching listener on the caller's thread,
 * which is usually a Netty event loop, so listeners must be quick and must not block; one that needs to
 * do slow work hands the event to its own queue. A throwing listener is logged and never reaches the
 * publisher.
 */
public final class EventBus {
    private static final Logger log = LoggerFactory.getLogger(EventBus.class);

    private final List<Listener<?>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong transferIds = new AtomicLong();

    public <E extends Event> Subscription subscribe(Class<E> type, Consumer<? super E> consumer) {
        Listener<E> listener = new Listener<>(type, consumer);
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public Subscription subscribeAll(Consumer<? super Event> consumer) {
        return subscribe(Event.class, consumer);
    }

    /**
     * A transfer id no other transfer published on this bus has, whichever service runs it: the dashboard
     * joins started, progress and finished events by it.
     */
    public long nextTransferId() {
        return transferIds.incrementAndGet();
    }

    public void publish(Event event) {
        for (Listener<?> listener : listeners) {
            listener.offer(event);
        }
    }

    /** Ends a subscription; calling it twice is harmless. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private record Listener<E extends Event>(Class<E> type, Consumer<? super E> consumer) {
        void offer(Event event) {
            if (!type.isInstance(event)) {
                return;
            }
            try {
                consumer.accept(type.cast(event));
            } catch (RuntimeException e) {
                log.warn("event listener {} failed on {}: {}", consumer, event.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
