package org.sparetire.dhcp.policy;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many distinct unicast destinations may be new at once. Every reply to an address the kernel has no
 * neighbour entry for creates one, which stays INCOMPLETE for the ARP attempts (about 3 s) and cannot be
 * reclaimed meanwhile; the neighbour table is shared by the whole host (net.ipv4.neigh.default.gc_thresh3,
 * 1024 by default), and once it is full no new entry can be made, not even the one a broadcast reply needs.
 * A flood of requests naming a different unused ciaddr or giaddr each would fill it. So a destination not
 * replied to within {@code window} counts against {@code maxNew}; a destination replied to within the
 * window (a relay, a renewing client) always passes. Time is passed in (monotonic nanoseconds).
 */
public final class UnicastBudget {
    /** Longer than an ARP resolution that fails (3 solicitations a second apart, the Linux default). */
    public static final long WINDOW_NANOS = 5_000_000_000L;
    /** A quarter of the default neighbour table, leaving the rest to everything else on the host. */
    public static final int MAX_NEW = 256;

    private final long window;
    private final int maxNew;
    /** Destinations by the time of their last reply, least recent first. */
    private final LinkedHashMap<InetAddress, Long> recent = new LinkedHashMap<>(64, 0.75f, true);

    public UnicastBudget() {
        this(WINDOW_NANOS, MAX_NEW);
    }

    public UnicastBudget(long windowNanos, int maxNew) {
        this.window = windowNanos;
        this.maxNew = maxNew;
    }

    /** True when a reply to {@code destination} may be sent now; records it. */
    public boolean admit(InetAddress destination, long nowNanos) {
        Iterator<Map.Entry<InetAddress, Long>> it = recent.entrySet().iterator();
        while (it.hasNext()) {
            if (nowNanos - it.next().getValue() < window) {
                break;
            }
            it.remove();
        }
        if (recent.containsKey(destination)) {
            recent.put(destination, nowNanos);
            return true;
        }
        if (recent.size() >= maxNew) {
            return false;
        }
        recent.put(destination, nowNanos);
        return true;
    }
}
