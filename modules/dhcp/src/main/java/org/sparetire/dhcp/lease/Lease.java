package org.sparetire.dhcp.lease;

import java.net.InetAddress;
import java.time.Instant;

/**
 * @param clientKey {@code id:<hex>} from option 61, else {@code hw:<htype>:<chaddr hex>} (RFC 2131 section 4.2)
 * @param mac       lower-case colon form, for people
 * @param expires   end of the lease, offer hold or quarantine
 * @param hostname  option 12 or the reservation's hostname, or null
 */
public record Lease(String clientKey, String mac, InetAddress address, LeaseState state, Instant expires,
                    String hostname) {

    public boolean activeAt(Instant now) {
        return state.holdsAddress() && now.isBefore(expires);
    }

    public Lease with(LeaseState newState, Instant newExpires) {
        return new Lease(clientKey, mac, address, newState, newExpires, hostname);
    }
}
