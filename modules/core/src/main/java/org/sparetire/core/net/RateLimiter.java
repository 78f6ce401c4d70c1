package org.sparetire.core.net;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per sender address, so one sender in a storm (a switch stuck logging, a flood of DHCP INFORMs) cannot starve the others. Time is
 * passed in (monotonic nanoseconds), never read here. Buckets of senders that went quiet are forgotten
 * once more than {@code maxSenders} are tracked, so a spoofed flood cannot grow memory without bound.
 */
public final class RateLimiter {
    private final double perNano;
    private final double burst;
    private final int maxSenders;
    private final Map<InetAddress, Bucket> buckets;

    private static final class Bucket {
        double tokens;
        long at;
        long dropped;
    }

    /** What {@link #admit} decided, with the sender's drops so far (for the first-drop log line). */
    public enum Verdict { PASS, DROP_FIRST, DROP }

    public RateLimiter(int perSecond, int burst, int maxSenders) {
        this.perNano = perSecond / 1e9;
        this.burst = Math.max(1, burst);
        this.maxSenders = maxSenders;
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
                return size() > RateLimiter.this.maxSenders;
            }
        };
    }

    public synchronized Verdict admit(InetAddress sender, long nowNanos) {
        Bucket b = buckets.get(sender);
        if (b == null) {
            b = new Bucket();
            b.tokens = burst;
            b.at = nowNanos;
            buckets.put(sender, b);
        }
        b.tokens = Math.min(burst, b.tokens + (nowNanos - b.at) * perNano);
        b.at = nowNanos;
        if (b.tokens >= 1) {
            b.tokens -= 1;
            if (b.dropped > 0) {
                b.dropped = 0; // the storm is over; the next one is logged again
            }
            return Verdict.PASS;
        }
        return ++b.dropped == 1 ? Verdict.DROP_FIRST : Verdict.DROP;
    }
}
