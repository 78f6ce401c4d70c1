package org.sparetire.core.event;

import java.time.Instant;
import org.sparetire.core.lifecycle.ServiceState;

public record ServiceStateChanged(Instant at, String service, ServiceState state, String detail) implements Event {
}
