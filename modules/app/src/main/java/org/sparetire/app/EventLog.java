package org.sparetire.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.event.ServiceWarning;

/**
 * The log's subscription to the event stream. Services log their own per-transfer and per-lease lines;
 * what arrives here for everyone to see is what an operator must not miss, such as warnings.
 */
final class EventLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("org.sparetire.core.events");

    private final EventBus.Subscription subscription;

    private EventLog(EventBus.Subscription subscription) {
        this.subscription = subscription;
    }

    static EventLog subscribe(EventBus bus) {
        return new EventLog(bus.subscribe(ServiceWarning.class,
                w -> log.warn("{}: {}", w.service(), w.message())));
    }

    @Override
    public void close() {
        subscription.close();
    }
}
