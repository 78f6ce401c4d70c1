package org.sparetire.tftp.session;

/**
 * The peer's measured round trip and the retransmission timeout drawn from it, as TCP does (RFC 6298
 * section 2): a smoothed round trip, its variation, and a timeout of the first plus four times the second.
 * Only a block sent once gives a sample (Karn's algorithm: the answer to a resent block could belong to
 * either send). Pure arithmetic on nanos handed in.
 */
final class RoundTrip {
    /**
     * The shortest timeout. TFTP peers answer at once (none delays its ACK as TCP receivers do), so this is
     * far below TCP's 1 s: it only keeps a peer that pauses for a moment (a flash write, a scheduler hiccup)
     * from seeing a retransmission for every pause.
     */
    static final long MIN_TIMEOUT_NANOS = 10_000_000L;

    private final long initialTimeout;
    private long smoothed = -1;
    private long variation;

    /** @param initialTimeout the timeout until the first sample, also the longest one */
    RoundTrip(long initialTimeout) {
        this.initialTimeout = initialTimeout;
    }

    void sample(long rtt) {
        if (rtt < 0) {
            return;
        }
        if (smoothed < 0) {
            smoothed = rtt;
            variation = rtt / 2;
        } else {
            variation = (3 * variation + Math.abs(smoothed - rtt)) / 4;
            smoothed = (7 * smoothed + rtt) / 8;
        }
    }

    boolean measured() {
        return smoothed >= 0;
    }

    /** The smoothed round trip, or the initial timeout before any sample. */
    long smoothed() {
        return smoothed < 0 ? initialTimeout : smoothed;
    }

    /** The retransmission timeout for the first send of a packet, between the floor and the initial one. */
    long timeout() {
        if (smoothed < 0) {
            return initialTimeout;
        }
        long rto = smoothed + 4 * variation;
        return Math.min(initialTimeout, Math.max(Math.min(MIN_TIMEOUT_NANOS, initialTimeout), rto));
    }
}
