package org.sparetire.tftp.transport;

import java.net.InetSocketAddress;
import java.util.Map;
import org.sparetire.core.event.TransferDirection;

/** What a transfer is, for its events and its log line. */
record TransferRecord(long id, InetSocketAddress peer, TransferDirection direction, String file, String mode,
                      Map<String, String> options) {
}
