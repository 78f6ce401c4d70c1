package org.sparetire.core.event;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;

/**
 * A step in a DHCP exchange. Nullable fields are null when the client did not send them or they do not apply.
 *
 * @param mac          client hardware address, lower-case colon form ({@code 52:54:00:12:34:56})
 * @param clientId     option 61 as hex, or null
 * @param address      the address offered/acked/released, or null (NAK, proxy offers)
 * @param hostname     option 12 or the reservation's hostname, or null
 * @param vendorClass  option 60, or null
 * @param architecture option 93 (client system architecture), or -1
 * @param userClass    option 77, or null
 * @param matchedClass the boot class that matched, or null
 * @param bootFile     the boot file that was sent, or null
 * @param expires      lease expiry for OFFERED/ACKED, else null
 * @param peer         where the request came from (the relay for relayed requests)
 * @param options      options sent, by number, rendered for people (for the timeline and "explain")
 */
public record LeaseEvent(Instant at, LeaseEventKind kind, String mac, String clientId, InetAddress address,
                         String hostname, String vendorClass, int architecture, String userClass, String matchedClass,
                         String bootFile, Instant expires, InetSocketAddress peer, Map<Integer, String> options)
        implements Event {

    public LeaseEvent {
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    @Override
    public String service() {
        return "dhcp";
    }
}
