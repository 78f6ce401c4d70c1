package org.sparetire.core.event;

import java.net.InetSocketAddress;
import java.time.Instant;

/** Published at a bounded rate per transfer (not per block), so subscribers can draw progress bars. */
public record TransferProgress(Instant at, long transferId, InetSocketAddress peer, long bytes, long expectedBytes,
                               int retransmits, String service) implements Event {

    /** A TFTP transfer's progress. */
    public TransferProgress(Instant at, long transferId, InetSocketAddress peer, long bytes, long expectedBytes,
                            int retransmits) {
        this(at, transferId, peer, bytes, expectedBytes, retransmits, "tftp");
    }
}
