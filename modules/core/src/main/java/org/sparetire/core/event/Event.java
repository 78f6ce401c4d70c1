package org.sparetire.core.event;

import java.time.Instant;

/**
 * Something a service did that people (logs, dashboard, per-device timeline) want to see.
 * Events are immutable and cheap; publishers never wait for subscribers to act on them.
 */
public sealed interface Event
        permits TransferStarted, TransferProgress, TransferFinished, LeaseEvent, SyslogReceived,
                ServiceStateChanged, ServiceWarning {

    Instant at();

    /** The name of the publishing service: {@code tftp}, {@code http-boot}, {@code dhcp}, {@code syslog} or {@code core}. */
    String service();
}
