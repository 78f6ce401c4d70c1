package org.sparetire.core.event;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;

/**
 * @param transferId    unique within this process, joins started/progress/finished
 * @param options       the negotiated options as sent in the OACK (empty when none)
 * @param expectedBytes the file size when known (tsize), else -1
 * @param service       the transport that serves it: {@code tftp} or {@code http-boot}
 */
public record TransferStarted(Instant at, long transferId, InetSocketAddress peer, TransferDirection direction,
                              String file, String mode, Map<String, String> options, long expectedBytes,
                              String service) implements Event {

    public TransferStarted {
        options = Map.copyOf(options);
    }

    /** A TFTP transfer. */
    public TransferStarted(Instant at, long transferId, InetSocketAddress peer, TransferDirection direction,
                           String file, String mode, Map<String, String> options, long expectedBytes) {
        this(at, transferId, peer, direction, file, mode, options, expectedBytes, "tftp");
    }
}
