package org.sparetire.core.lifecycle;

import org.sparetire.core.event.EventBus;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.core.time.Clock;

/** What the lifecycle manager lends every service: the event stream, the clock and the shared event loops. */
public record ServiceContext(EventBus events, Clock clock, NetRuntime net) {
}
