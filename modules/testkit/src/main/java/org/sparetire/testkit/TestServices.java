package org.sparetire.testkit;

import org.sparetire.core.event.EventBus;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.core.time.Clock;

/** A service context on the transport chosen by {@code -Dsparetire.transport}, for socket tests. */
public final class TestServices {
    private TestServices() {
    }

    /** Close the returned context's {@code net()} when done. */
    public static ServiceContext context(Clock clock) {
        return new ServiceContext(new EventBus(), clock, NetRuntime.fromSystemProperty());
    }

    public static ServiceContext context() {
        return context(Clock.system());
    }
}
