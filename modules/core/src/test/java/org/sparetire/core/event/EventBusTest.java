package org.sparetire.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventBusTest {
    private final EventBus bus = new EventBus();
    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void deliversOnlyTheSubscribedType() {
        List<ServiceWarning> warnings = new ArrayList<>();
        List<Event> all = new ArrayList<>();
        bus.subscribe(ServiceWarning.class, warnings::add);
        bus.subscribeAll(all::add);
        bus.publish(new ServiceWarning(now, "dhcp", "another DHCP server answers on eth1"));
        bus.publish(new SyslogReceived(now, null, 4, 3, "sw1", "LINK", "down"));
        assertThat(warnings).hasSize(1);
        assertThat(all).hasSize(2);
    }

    @Test
    void aThrowingListenerNeitherReachesThePublisherNorStarvesOthers() {
        List<Event> seen = new ArrayList<>();
        bus.subscribeAll(e -> {
            throw new IllegalStateException("broken dashboard");
        });
        bus.subscribeAll(seen::add);
        bus.publish(new ServiceWarning(now, "tftp", "x"));
        assertThat(seen).hasSize(1);
    }

    @Test
    void closedSubscriptionsStopReceiving() {
        List<Event> seen = new ArrayList<>();
        EventBus.Subscription s = bus.subscribeAll(seen::add);
        s.close();
        s.close();
        bus.publish(new ServiceWarning(now, "tftp", "x"));
        assertThat(seen).isEmpty();
    }
}
