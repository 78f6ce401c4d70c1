package org.sparetire.core.event;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One record per transfer, whatever its outcome: the log line and the dashboard row are made from it.
 *
 * @param detail  a short human reason for anything but COMPLETED (never a server path), else empty
 * @param service the transport that served it: {@code tftp} or {@code http-boot}
 * @param savedAs where a completed upload was stored on this machine (its versioned name), else null; for
 *                the operator's log and dashboard, never sent to a client
 */
public record TransferFinished(Instant at, long transferId, InetSocketAddress peer, TransferDirection direction,
                               String file, String mode, Map<String, String> options, long bytes, Duration elapsed,
                               int retransmits, TransferOutcome outcome, String detail, String service, Path savedAs)
        implements Event {

    public TransferFinished {
        options = Map.copyOf(options);
        detail = detail == null ? "" : detail;
    }

    /** A transfer that stored nothing on this machine. */
    public TransferFinished(Instant at, long transferId, InetSocketAddress peer, TransferDirection direction,
                            String file, String mode, Map<String, String> options, long bytes, Duration elapsed,
                            int retransmits, TransferOutcome outcome, String detail, String service) {
        this(at, transferId, peer, direction, file, mode, options, bytes, elapsed, retransmits, outcome, detail, service, null);
    }

    /** A TFTP transfer's end. */
    public TransferFinished(Instant at, long transferId, InetSocketAddress peer, TransferDirection direction,
                            String file, String mode, Map<String, String> options, long bytes, Duration elapsed,
                            int retransmits, TransferOutcome outcome, String detail) {
        this(at, transferId, peer, direction, file, mode, options, bytes, elapsed, retransmits, outcome, detail, "tftp");
    }

    /** Bytes per second over the whole transfer; 0 when it took no measurable time. */
    public double bytesPerSecond() {
        long nanos = elapsed.toNanos();
        return nanos <= 0 ? 0 : bytes * 1e9 / nanos;
    }
}
