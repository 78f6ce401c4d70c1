package org.sparetire.web.store;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.sparetire.core.event.TransferDirection;
import org.sparetire.core.event.TransferOutcome;

/**
 * One transfer as the dashboard shows it, live or finished.
 *
 * @param mac           the device that held the peer address when the transfer started, or null
 * @param expectedBytes the size from tsize or the file, or -1 when unknown (no progress bar then)
 * @param outcome       null while the transfer runs
 * @param advancedAt    when the byte count last grew
 * @param savedAs       where a completed upload was stored on this machine, or null
 */
public record TransferView(long id, InetSocketAddress peer, String mac, TransferDirection direction, String file,
                           String mode, Map<String, String> options, long expectedBytes, long bytes, int retransmits,
                           Instant startedAt, Instant updatedAt, TransferOutcome outcome, String detail,
                           Instant advancedAt, String savedAs) {

    /** The server's retransmit timeout when the client negotiated none (tftp.timeout's default). */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

    /**
     * Seconds without a byte, as of the last report, once that is longer than the transfer's retransmit
     * timeout (the other side stopped answering); -1 while it moves, or when it is over.
     */
    public long stalledSeconds() {
        if (!active() || advancedAt == null) {
            return -1;
        }
        Duration still = Duration.between(advancedAt, updatedAt);
        return still.compareTo(timeout()) > 0 ? still.toSeconds() : -1;
    }

    private Duration timeout() {
        try {
            String t = options.get("timeout");
            return t == null ? DEFAULT_TIMEOUT : Duration.ofSeconds(Long.parseLong(t.trim()));
        } catch (NumberFormatException e) {
            return DEFAULT_TIMEOUT;
        }
    }

    public boolean active() {
        return outcome == null;
    }

    /** 0..1, or -1 when the size is unknown. A completed transfer is 1 whatever tsize said. */
    public double fraction() {
        if (outcome == TransferOutcome.COMPLETED) {
            return 1;
        }
        if (expectedBytes <= 0) {
            return -1;
        }
        return Math.min(1, (double) bytes / expectedBytes);
    }

    /** Average bytes per second since the start; 0 before any measurable time passed. */
    public double bytesPerSecond() {
        long nanos = Duration.between(startedAt, updatedAt).toNanos();
        return nanos <= 0 ? 0 : bytes * 1e9 / nanos;
    }

    /** Seconds left at the average rate, or -1 when it cannot be told (unknown size, no rate yet, stalled, finished). */
    public long etaSeconds() {
        double rate = bytesPerSecond();
        if (!active() || expectedBytes <= 0 || rate <= 0 || stalledSeconds() >= 0) {
            return -1;
        }
        return (long) Math.ceil(Math.max(0, expectedBytes - bytes) / rate);
    }
}
