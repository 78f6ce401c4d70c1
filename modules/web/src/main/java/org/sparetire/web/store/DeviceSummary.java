package org.sparetire.web.store;

import java.net.InetAddress;
import java.time.Instant;

/**
 * A device known to the timeline.
 *
 * @param key      its MAC, or its address when no lease tells its MAC
 * @param address  its address now (or last seen)
 */
public record DeviceSummary(String key, String mac, InetAddress address, String hostname, String vendorClass,
                            Instant lastSeen, int entries) {
}
