package org.sparetire.dhcp.policy;

import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparetire.dhcp.codec.Octets;

/**
 * What a reply will carry besides the address: the matched class, BOOTP siaddr/file, and the options in
 * the order they go on the wire (client's option 55 order first).
 *
 * @param matchedClass null when no class matched
 * @param bootFile     the BOOTP file field, or null
 * @param nextServer   siaddr, or null
 */
public record BootPlan(String matchedClass, String bootFile, InetAddress nextServer, Map<Integer, Octets> options) {
    public BootPlan {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }
}
