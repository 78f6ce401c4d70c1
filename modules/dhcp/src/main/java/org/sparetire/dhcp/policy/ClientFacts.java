package org.sparetire.dhcp.policy;

import java.util.List;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.OptionCatalog;
import org.sparetire.dhcp.codec.Octets;

/**
 * What a client says about itself that classes match on, taken from a request (or typed by hand for
 * {@code explain}).
 *
 * @param mac           lower-case colon form
 * @param architectures option 93 values
 * @param vendorClass   option 60 text, or null
 * @param userClasses   option 77 items
 * @param circuitId     option 82 sub-option 1, or null
 * @param requested     option 55 in the client's order
 */
public record ClientFacts(String mac, List<Integer> architectures, String vendorClass, List<String> userClasses,
                          Octets circuitId, List<Integer> requested) {

    public ClientFacts {
        architectures = List.copyOf(architectures);
        userClasses = List.copyOf(userClasses);
        requested = List.copyOf(requested);
    }

    public static ClientFacts of(DhcpMessage m) {
        return new ClientFacts(m.mac(), m.architectures(), m.textOption(OptionCatalog.VENDOR_CLASS).orElse(null),
                m.userClasses(), m.circuitId().orElse(null), m.parameterRequestList());
    }

    /** First architecture, or -1, for events and logs. */
    public int architecture() {
        return architectures.isEmpty() ? -1 : architectures.get(0);
    }

    public String userClass() {
        return userClasses.isEmpty() ? null : String.join(",", userClasses);
    }
}
