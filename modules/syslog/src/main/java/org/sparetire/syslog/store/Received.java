package org.sparetire.syslog.store;

import java.net.InetSocketAddress;
import java.time.Instant;
import org.sparetire.syslog.codec.SyslogMessage;

/**
 * One message as it left the socket: when and from whom, what the parser made of it, and the original
 * bytes (for raw forwarding).
 *
 * @param transport {@code udp} or {@code tcp}
 * @param truncated the datagram or frame was longer than {@code syslog.max-message} and was cut
 */
public record Received(Instant at, InetSocketAddress sender, String transport, SyslogMessage message, byte[] raw,
                       boolean truncated) {
}
