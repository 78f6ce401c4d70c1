package org.sparetire.tftp.transport;

import org.sparetire.core.event.EventBus;
import org.sparetire.core.time.Clock;

/** What every transfer of one server shares: the clock, the event bus, whom to report to, and segmentation. */
record TransferRuntime(Clock clock, EventBus events, TransferListener listener, Segmentation segmentation) {
}
