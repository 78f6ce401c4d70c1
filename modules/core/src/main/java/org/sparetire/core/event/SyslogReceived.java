package org.sparetire.core.event;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * One syslog message as filed.
 *
 * @param facility 0..23, or -1 when the message carried no priority
 * @param severity 0..7, or -1 when the message carried no priority
 * @param hostname as the message says, or null
 * @param app      APP-NAME / TAG, or null
 */
public record SyslogReceived(Instant at, InetSocketAddress sender, int facility, int severity, String hostname,
                             String app, String message) implements Event {
    @Override
    public String service() {
        return "syslog";
    }
}
