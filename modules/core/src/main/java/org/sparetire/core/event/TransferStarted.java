package org.sparetire.core.event;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;

/**
 * @param transferId    unique within this process, joins started/progress/finished
 * @param options       the negotiated options as sent in the OACK (empty when none)
 * @param expectedBytes the file size when known (tsize), else -1
 */
public record TransferStarted(Instant at, long transferId, InetSocketAddress peer, TransferDirection direction,
                              String file, String mode, Map<String, String> options, long expectedBytes)
        implements Event {

    public TransferStarted {
        options = Map.copyOf(options);
    }

    @Override
    public String service() {
        return "tftp";
    }
}
