package org.sparetire.core.event;

import java.time.Instant;

/** Something an operator must see, such as "another DHCP server answers on eth1". */
public record ServiceWarning(Instant at, String service, String message) implements Event {
}
