package org.sparetire.tftp.session;

import java.net.InetSocketAddress;
import org.sparetire.tftp.codec.TftpPacket;

/** Something a transfer wants sent. */
public sealed interface Outgoing permits Outgoing.Packet, Outgoing.Block {

    /** @param to where to send it, or null for the transfer's peer */
    record Packet(TftpPacket packet, InetSocketAddress to) implements Outgoing {
        public Packet(TftpPacket packet) {
            this(packet, null);
        }
    }

    /**
     * A DATA packet whose payload the transport reads from the transfer's source at {@code offset}, straight
     * into a pooled buffer: the session never touches file bytes on the read path.
     *
     * @param wireBlock the 16-bit block number to put on the wire
     */
    record Block(int wireBlock, long offset, int length) implements Outgoing {
    }
}
