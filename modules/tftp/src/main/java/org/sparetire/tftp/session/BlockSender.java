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
 * <p>Recovery. In lockstep the retransmission timer follows the peer's measured round trip
 * ({@link RoundTrip}), between a floor of 10 ms and the configured (or client-given) timeout, doubling on
 * each expiry (at least 200 ms after the first, see {@link #QUIET_NANOS}) up to the configured schedule and
 * staying doubled until a block sent only once is acknowledged (Karn); the transfer is given up when
 * nothing progressed for as long as that schedule's retries take. A lockstep client that re-sends its last
 * ACK because our block was lost gets the block again at once, but only under two conditions that keep out
 * the Sorcerer's Apprentice (RFC 1123 section 4.2.3.1, where each duplicate ACK answered doubles the stream
 * for good): the duplicate is one more than we sent that block (an answer to our own resend is expected,
 * not news of a loss; atftpd's counting heuristic), and our last send of the outstanding block is older
 * than the smoothed round trip and 5 ms (copies of one ACK arriving together are one answer).
 *
 * <p>With a window (RFC 7440), an ACK for a block inside the window means the blocks after it were lost:
 * sending resumes right after it. The timer of a window keeps the configured schedule, since its expiry
 * resends the whole window into a peer that may only be paused.
 */
public final class BlockSender extends Transfer {
    /**
     * Copies of one ACK arriving within this of each other (duplicated on the way, or sent for a block the
     * link duplicated) are one answer, however short the round trip.
     */
    static final long ECHO_NANOS = 5_000_000L;
    /**
     * The least wait after a second unanswered send. A client that ignores a duplicate DATA (busybox) starts
     * its own wait again with each one and repeats its ACK only after about 100 ms of silence; one quick
     * resend repairs a lost block, a stream of them would only keep such a client from saying it got it.
     */
    static final long QUIET_NANOS = 200_000_000L;
    private final long size;
    private final long totalBlocks;
    private TftpPacket opening;
    /** Highest block sequence acknowledged. */
    private long acked;
    /** Highest block sequence sent. */
    private long sent;
    private final RoundTrip roundTrip;
    /** Per block of the outstanding window, by sequence modulo its length: sends, and the last send's time. */
    private final int[] sends;
    private final long[] sentAt;
    private int openingSends;
    private long openingSentAt;
    /** How often the block {@code acked} went out, and how many ACKs for it came back. */
    private int ackedSends;
    private int ackedAcks;
    /** When the peer last acknowledged something new (or the transfer started). */
    private long progressAt;

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
        this.roundTrip = new RoundTrip(params.intervalNanos(0));
        int slots = (int) Math.min(params.windowsize(), totalBlocks);
        this.sends = new int[slots];
        this.sentAt = new long[slots];
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
        progressAt = now;
        armTimer(now);
        if (opening != null) {
            openingSends = 1;
            openingSentAt = now;
            return keepGoing(List.of(new Outgoing.Packet(opening)));
        }
        return keepGoing(sendFrom(acked + 1, now));
    }

    private List<Outgoing> sendFrom(long firstSeq, long now) {
        long last = Math.min(totalBlocks, acked + params.windowsize());
        List<Outgoing> out = new ArrayList<>((int) Math.max(0, last - firstSeq + 1));
        for (long seq = firstSeq; seq <= last; seq++) {
            out.add(block(seq));
            int slot = slot(seq);
            if (seq <= sent) {
                retransmits++; // a window rolled back to a gap resends blocks already sent once
                sends[slot]++;
            } else {
                sends[slot] = 1;
            }
            sentAt[slot] = now;
        }
        sent = Math.max(sent, last);
        return out;
    }

    private int slot(long seq) {
        return (int) (seq % sends.length);
    }

    /** The transfer's current retransmission interval: the measured one, backed off, within the schedule. */
    @Override
    protected void armTimer(long now) {
        long interval = params.intervalNanos(attempt);
        if (params.windowsize() > 1) {
            // A window's expiry resends the whole window into a peer that may only be paused (a boot loader
            // in a busy VM), so it keeps the configured schedule; lost blocks inside a window are reported by
            // the peer's gap ACK (RFC 7440 section 4) and resent at once without the timer.
            deadline = Math.min(now + interval, progressAt + giveUpAfter());
            return;
        }
        long rto = roundTrip.timeout();
        long adaptive = attempt == 0 ? rto : Math.max(rto << Math.min(attempt, 20), QUIET_NANOS);
        deadline = Math.min(now + Math.min(interval, adaptive), progressAt + giveUpAfter());
    }

    /** As long as the configured schedule's retries take: 1+2+4+8+8+8 = 31 s by default. */
    private long giveUpAfter() {
        long total = 0;
        for (int a = 0; a <= params.maxRetries(); a++) {
            total += params.intervalNanos(a);
        }
        return total;
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

    /**
     * The block number of the ACK that will make this sender send {@link #likelyNext()} and nothing else, so
     * the transport may send that block before it hands the ACK over: the ACK for the block outstanding in
     * lockstep (0 for the OACK). -1 with a window and once the last block is out.
     */
    public int ackForLikelyNext() {
        if (params.windowsize() != 1) {
            return -1;
        }
        if (opening != null) {
            return sent == 0 ? 0 : -1;
        }
        return sent == acked + 1 && sent < totalBlocks ? wireBlock(sent, params.rolloverToOne()) : -1;
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
            if (openingSends == 1) {
                roundTrip.sample(now - openingSentAt);
                attempt = 0;
            }
            ackedSends = openingSends;
            ackedAcks = 1;
            progressAt = now;
            armTimer(now);
            return keepGoing(sendFrom(1, now));
        }
        long seq = matchSent(ack.block());
        if (seq < 0) {
            if (ack.block() == wireBlock(acked, params.rolloverToOne())) {
                return duplicate(now);
            }
            return idle(); // stale: an ACK from before the last one
        }
        int slot = slot(seq);
        if (sends[slot] == 1) {
            roundTrip.sample(now - sentAt[slot]);
            attempt = 0; // Karn: a backed-off timer stays backed off until a block sent once is answered
        }
        ackedSends = sends[slot];
        ackedAcks = 1;
        acked = seq;
        progressAt = now;
        if (acked == totalBlocks) {
            return finish(List.of(), Completion.COMPLETED);
        }
        armTimer(now);
        // seq == sent: the window was delivered, open the next one. seq < sent: the peer saw a gap after
        // seq (RFC 7440 section 4), so roll back and resend from seq + 1.
        return keepGoing(sendFrom(seq + 1, now));
    }

    /**
     * Another ACK for the last acknowledged block. It means the peer is still waiting for what came after
     * (lost, or its ACK lost) only when it is one more than we sent that block, and only when the block it
     * waits for left longer than a round trip ago; anything else is an echo and changes nothing.
     */
    private Step duplicate(long now) {
        ackedAcks++;
        if (ackedAcks <= ackedSends || sent <= acked || now - sentAt[slot(acked + 1)] < Math.max(roundTrip.smoothed(), ECHO_NANOS)) {
            return idle();
        }
        ackedSends = ackedAcks; // this answer is spent: the next duplicate must be news again
        armTimer(now);
        return keepGoing(sendFrom(acked + 1, now));
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
        if (now - progressAt >= giveUpAfter()) {
            return timedOut("no answer for " + giveUpAfter() / 1_000_000 + " ms");
        }
        attempt++;
        armTimer(now);
        if (opening != null) {
            retransmits++;
            openingSends++;
            openingSentAt = now;
            return keepGoing(List.of(new Outgoing.Packet(opening)));
        }
        long last = sent;
        List<Outgoing> out = new ArrayList<>();
        for (long seq = acked + 1; seq <= last; seq++) {
            out.add(block(seq));
            sends[slot(seq)]++;
            sentAt[slot(seq)] = now;
        }
        retransmits += out.size();
        return keepGoing(out);
    }
}
