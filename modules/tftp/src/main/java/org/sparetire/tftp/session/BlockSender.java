package org.sparetire.tftp.session;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.sparetire.tftp.codec.Ack;
import org.sparetire.tftp.codec.ErrorPacket;
import org.sparetire.tftp.codec.TftpPacket;

/**
 * Sends a source of known size as DATA blocks: the server side of a read, the client side of a put.
 *
 * <p>Blocks are counted internally as a 64-bit sequence (1, 2, ...) and mapped to the 16-bit wire number
 * only when sent, so files beyond 65535 blocks work: after 65535 the wire number wraps to 0 (what curl,
 * tftp-hpa and atftp expect) or to 1 by configuration.
 *
 * <p>Sorcerer's Apprentice (RFC 1123 section 4.2.3.1): a duplicate ACK never triggers a retransmission;
 * only the timer does, so a delayed duplicate cannot double the stream. With a window (RFC 7440), an ACK
 * for a block inside the window means the blocks after it were lost: sending resumes right after it.
 */
public final class BlockSender extends Transfer {
    private final long size;
    private final long totalBlocks;
    private TftpPacket opening;
    /** Highest block sequence acknowledged. */
    private long acked;
    /** Highest block sequence sent. */
    private long sent;

    /**
     * @param size    bytes to send; a final short (possibly empty) block marks the end (RFC 1350 section 6)
     * @param opening the packet that must be acknowledged with ACK 0 before data flows (the server's OACK),
     *                or null to send data at once
     */
    public BlockSender(InetSocketAddress peer, TransferParameters params, long size, TftpPacket opening) {
        super(peer, params);
        if (size < 0) {
            throw new IllegalArgumentException("negative size");
        }
        this.size = size;
        this.totalBlocks = size / params.blksize() + 1;
        this.opening = opening;
    }

    public long size() {
        return size;
    }

    public long totalBlocks() {
        return totalBlocks;
    }

    @Override
    public long bytes() {
        return Math.min(size, acked * params.blksize());
    }

    /** The 16-bit block number that block sequence {@code seq} carries on the wire. */
    public static int wireBlock(long seq, boolean rolloverToOne) {
        if (seq <= 0xFFFF) {
            return (int) seq;
        }
        return rolloverToOne ? (int) ((seq - 1) % 0xFFFF) + 1 : (int) (seq & 0xFFFF);
    }

    @Override
    public Step start(long now) {
        attempt = 0;
        armTimer(now);
        if (opening != null) {
            return keepGoing(List.of(new Outgoing.Packet(opening)));
        }
        return keepGoing(sendFrom(acked + 1));
    }

    private List<Outgoing> sendFrom(long firstSeq) {
        long last = Math.min(totalBlocks, acked + params.windowsize());
        List<Outgoing> out = new ArrayList<>((int) Math.max(0, last - firstSeq + 1));
        for (long seq = firstSeq; seq <= last; seq++) {
            out.add(block(seq));
            if (seq <= sent) {
                retransmits++; // a window rolled back to a gap resends blocks already sent once
            }
        }
        sent = Math.max(sent, last);
        return out;
    }

    /**
     * The block the next acknowledgement will most likely ask for (the one after the last sent), so the
     * transport can read it while the peer is still answering; null once the last block is out.
     */
    public Outgoing.Block likelyNext() {
        if (opening != null) {
            return sent == 0 && totalBlocks > 0 ? block(1) : null;
        }
        return sent < totalBlocks ? block(sent + 1) : null;
    }

    private Outgoing.Block block(long seq) {
        long offset = (seq - 1) * params.blksize();
        int length = (int) Math.min(params.blksize(), size - offset);
        return new Outgoing.Block(wireBlock(seq, params.rolloverToOne()), offset, length);
    }

    @Override
    protected Step handle(TftpPacket packet, long now) {
        if (packet instanceof ErrorPacket e) {
            return peerError(e, opening != null);
        }
        if (!(packet instanceof Ack ack)) {
            return idle(); // stray DATA/requests on a read transfer: nothing sensible to do but ignore
        }
        if (opening != null) {
            if (ack.block() != 0) {
                return idle();
            }
            opening = null;
            attempt = 0;
            armTimer(now);
            return keepGoing(sendFrom(1));
        }
        long seq = matchSent(ack.block());
        if (seq < 0) {
            return idle(); // duplicate or stale ACK: the timer, not the ACK, drives retransmission
        }
        acked = seq;
        attempt = 0;
        if (acked == totalBlocks) {
            return finish(List.of(), Completion.COMPLETED);
        }
        armTimer(now);
        // seq == sent: the window was delivered, open the next one. seq < sent: the peer saw a gap after
        // seq (RFC 7440 section 4), so roll back and resend from seq + 1.
        return keepGoing(sendFrom(seq + 1));
    }

    /** The sequence in (acked, sent] whose wire number is {@code wire}, or -1. */
    private long matchSent(int wire) {
        for (long seq = acked + 1; seq <= sent; seq++) {
            if (wireBlock(seq, params.rolloverToOne()) == wire) {
                return seq;
            }
        }
        return -1;
    }

    @Override
    protected Step expire(long now) {
        if (attempt >= params.maxRetries()) {
            return timedOut();
        }
        attempt++;
        armTimer(now);
        if (opening != null) {
            retransmits++;
            return keepGoing(List.of(new Outgoing.Packet(opening)));
        }
        List<Outgoing> out = new ArrayList<>();
        for (long seq = acked + 1; seq <= sent; seq++) {
            out.add(block(seq));
        }
        retransmits += out.size();
        return keepGoing(out);
    }
}
