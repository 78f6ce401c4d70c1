package org.sparetire.dhcp.policy;

import java.net.InetAddress;
import org.sparetire.core.net.RateLimiter;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.MessageType;

/**
 * Which requests are answered at all. An unrelayed INFORM is answered unicast to its ciaddr, which costs
 * an ARP resolution the sender chooses, and a real client sends a few an hour: INFORMs are limited per
 * source address. Relayed requests are not limited here, because one relay speaks for a whole lab booting
 * at once; their replies are bounded where they are sent instead. Time is passed in (monotonic nanoseconds).
 */
public final class RequestAdmission {
    /** INFORMs a second per source address, after a burst of {@link #INFORM_BURST}. */
    public static final int INFORMS_PER_SECOND = 2;
    public static final int INFORM_BURST = 10;
    private static final int MAX_SOURCES = 4096;

    public enum Verdict {
        ADMIT,
        /** Over the INFORM rate; the first drop of a run, worth one log line. */
        INFORM_RATE_FIRST,
        INFORM_RATE
    }

    private final RateLimiter informs;

    public RequestAdmission() {
        this(INFORMS_PER_SECOND, INFORM_BURST, MAX_SOURCES);
    }

    public RequestAdmission(int informsPerSecond, int burst, int maxSources) {
        this.informs = new RateLimiter(informsPerSecond, burst, maxSources);
    }

    public Verdict admit(DhcpMessage request, InetAddress source, long nowNanos) {
        if (request.relayed() || request.type().orElse(null) != MessageType.INFORM) {
            return Verdict.ADMIT;
        }
        return switch (informs.admit(source, nowNanos)) {
            case PASS -> Verdict.ADMIT;
            case DROP_FIRST -> Verdict.INFORM_RATE_FIRST;
            case DROP -> Verdict.INFORM_RATE;
        };
    }
}
