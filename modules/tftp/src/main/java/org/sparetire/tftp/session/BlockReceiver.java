package org.sparetire.tftp.session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.tftp.codec.Ack;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.ErrorPacket;
import org.sparetire.tftp.codec.TftpPacket;

/**
 * Receives DATA blocks into a {@link BlockSink}: the server side of a write, the client side of a get.
 *
 * <p>Acknowledges every {@code windowsize} blocks and the last one (RFC 7440). A block that arrives
 * ahead of a gap is answered once with an ACK for the last in-order block, so the sender rolls back.
 * A repeat of the last in-order block means our ACK was lost, so it is acknowledged again. After the
 * last block the transfer lingers for one interval to re-acknowledge a repeated final block (the
 * "dally" of RFC 1350 section 6).
 */
public final class BlockReceiver extends Transfer {
    private final BlockSink sink;
    private final long maxBytes;
    private TftpPacket opening;
    private long bytes;
    private long received;
    private int lastWire;
    private long windowStart;
    private boolean gapAcked;

    /**
     * @param opening  the packet that opens the transfer and is repeated until DATA 1 arrives (the server's
     *                 OACK or ACK 0, the client's ACK 0 to an OACK), or null when data is already expected
     * @param maxBytes the most bytes accepted; more is answered with ERROR 3
     */
    public BlockReceiver(InetSocketAddress peer, TransferParameters params, BlockSink sink, long maxBytes,
                         TftpPacket opening) {
        super(peer, params);
        this.sink = sink;
        this.maxBytes = maxBytes;
        this.opening = opening;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    /** Where the sink kept the data, once committed. */
    public Optional<String> savedAs() {
        return sink.savedAs();
    }

    public long blocksReceived() {
        return received;
    }

    @Override
    public Step start(long now) {
        attempt = 0;
        armTimer(now);
        return opening == null ? keepGoing(List.of()) : keepGoing(List.of(new Outgoing.Packet(opening)));
    }

    private boolean isNext(int wire) {
        // After 65535 the sender wraps to 0 or, on some stacks, to 1: accept either.
        return wire == ((lastWire + 1) & 0xFFFF) || (lastWire == 0xFFFF && received > 0 && wire == 1);
    }

    @Override
    protected Step handle(TftpPacket packet, long now) {
        if (packet instanceof ErrorPacket e) {
            return peerError(e, opening != null && received == 0);
        }
        if (!(packet instanceof Data data)) {
            return idle();
        }
        if (isCompleted()) {
            // Dallying: the peer repeats the final block because our last ACK was lost.
            return data.block() == lastWire ? keepGoing(List.of(ack())) : idle();
        }
        int wire = data.block();
        if (isNext(wire)) {
            return accept(data, now);
        }
        if (received > 0 && wire == lastWire) {
            return keepGoing(List.of(ack()));
        }
        int ahead = (wire - lastWire - 1) & 0xFFFF;
        if (ahead > 0 && ahead < params.windowsize() && !gapAcked) {
            gapAcked = true;
            windowStart = received;
            return keepGoing(List.of(ack()));
        }
        return idle();
    }

    private Step accept(Data data, long now) {
        int length = data.length();
        if (length > params.blksize()) {
            sink.abort();
            return finish(List.of(error(ErrorPacket.ILLEGAL_OPERATION, "block larger than the negotiated blksize")),
                    new Completion(TransferOutcome.FAILED, "peer sent " + length + " bytes in a "
                            + params.blksize() + "-byte block"));
        }
        if (bytes + length > maxBytes) {
            sink.abort();
            return finish(List.of(error(ErrorPacket.DISK_FULL, "file too large")),
                    new Completion(TransferOutcome.FAILED, "size limit of " + maxBytes + " bytes exceeded"));
        }
        try {
            sink.write(data.payload());
        } catch (SinkFullException e) {
            sink.abort();
            return finish(List.of(error(ErrorPacket.DISK_FULL, "disk full or allocation exceeded")),
                    new Completion(TransferOutcome.FAILED, "disk full: " + e.getMessage()));
        } catch (IOException e) {
            sink.abort();
            return finish(List.of(error(ErrorPacket.NOT_DEFINED, "write failed")),
                    new Completion(TransferOutcome.FAILED, "write failed: " + e.getMessage()));
        }
        opening = null;
        bytes += length;
        received++;
        lastWire = data.block();
        gapAcked = false;
        attempt = 0;
        if (length < params.blksize()) {
            try {
                sink.commit();
            } catch (SinkFullException e) {
                sink.abort();
                return finish(List.of(error(ErrorPacket.DISK_FULL, "disk full or allocation exceeded")),
                        new Completion(TransferOutcome.FAILED, "disk full: " + e.getMessage()));
            } catch (IOException e) {
                sink.abort();
                return finish(List.of(error(ErrorPacket.NOT_DEFINED, "write failed")),
                        new Completion(TransferOutcome.FAILED, "commit failed: " + e.getMessage()));
            }
            return finishAndLinger(List.of(ack()), Completion.COMPLETED, now + params.intervalNanos(1));
        }
        armTimer(now);
        if (received - windowStart >= params.windowsize()) {
            windowStart = received;
            return keepGoing(List.of(ack()));
        }
        return keepGoing(List.of());
    }

    private Outgoing ack() {
        return new Outgoing.Packet(new Ack(lastWire));
    }

    @Override
    protected Step expire(long now) {
        if (isCompleted()) {
            return close();
        }
        if (attempt >= params.maxRetries()) {
            return timedOut();
        }
        attempt++;
        retransmits++;
        armTimer(now);
        windowStart = received;
        // RFC 7440: on timeout the receiver acknowledges the last block it has in order.
        return keepGoing(List.of(opening != null ? new Outgoing.Packet(opening) : ack()));
    }

    @Override
    protected void onAbort() {
        sink.abort();
    }
}
