package org.sparetire.tftp.session;

import java.time.Duration;

/**
 * What a transfer runs with once options are settled.
 *
 * @param timeout        retransmission interval for the first retry
 * @param fixedTimeout   the peer asked for this interval (RFC 2349), so it is not backed off
 * @param maxRetries     retransmissions of one packet/window before giving up
 * @param rolloverToOne  after block 65535 comes 1 instead of 0 (some old clients need it)
 */
public record TransferParameters(int blksize, int windowsize, Duration timeout, boolean fixedTimeout, int maxRetries,
                                 boolean rolloverToOne) {
    /** RFC 1350 defaults: 512-byte blocks, lockstep. */
    public static TransferParameters defaults(Duration timeout, int maxRetries, boolean rolloverToOne) {
        return new TransferParameters(512, 1, timeout, false, maxRetries, rolloverToOne);
    }

    public TransferParameters {
        if (blksize < 8 || blksize > 65464) {
            throw new IllegalArgumentException("blksize out of range: " + blksize);
        }
        if (windowsize < 1 || windowsize > 65535) {
            throw new IllegalArgumentException("windowsize out of range: " + windowsize);
        }
    }

    /**
     * Retransmit interval for the given attempt (0 = first send): doubles up to 8x the base unless the peer
     * fixed it. A pure function of the attempt number, so tests can predict every deadline.
     */
    public long intervalNanos(int attempt) {
        long base = timeout.toNanos();
        if (fixedTimeout) {
            return base;
        }
        return base << Math.min(attempt, 3);
    }
}
