package org.sparetire.dhcp.lease;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;
import org.sparetire.core.event.LeaseEvent;
import org.sparetire.dhcp.codec.DhcpMessage;

/**
 * What one request leads to. Leases in {@code durable} must be on disk before {@code reply} is sent.
 *
 * @param reply       null when nothing is sent (RELEASE, DECLINE, requests for other servers, drops)
 * @param destination where the reply goes (RFC 2131 section 4.1)
 * @param broadcast   whether the destination is a broadcast (needs SO_BROADCAST and leaves by the ingress interface)
 * @param maxLength   largest reply the client accepts (option 57 less IP/UDP headers)
 * @param durable     lease changes for the journal
 * @param events      for the event bus, published after the reply is sent
 * @param logLine     one line for the log (info for leases, debug for drops), built only when it is logged:
 *                    with logging at WARN a busy server would build it for every request and throw it away
 * @param probe       an address just taken from the pool that must not answer a ping before the reply
 *                    goes out (ping-check), or null
 */
public record Step(DhcpMessage reply, InetSocketAddress destination, boolean broadcast, int maxLength,
                   List<Lease> durable, List<LeaseEvent> events, Supplier<String> logLine,
                   java.net.InetAddress probe) {

    public Step {
        durable = List.copyOf(durable);
        events = List.copyOf(events);
    }

    public static Step drop(String why) {
        return new Step(null, null, false, 0, List.of(), List.of(), () -> why, null);
    }

    public static Step silent(List<Lease> durable, List<LeaseEvent> events, String log) {
        return new Step(null, null, false, 0, durable, events, () -> log, null);
    }

    public Step withProbe(java.net.InetAddress address) {
        return new Step(reply, destination, broadcast, maxLength, durable, events, logLine, address);
    }

    public String log() {
        return logLine.get();
    }

    public boolean sends() {
        return reply != null;
    }
}
