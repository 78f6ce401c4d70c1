package org.sparetire.tftp.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.net.Addresses;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.MalformedPacketException;
import org.sparetire.tftp.codec.TftpCodec;
import org.sparetire.tftp.codec.TftpPacket;
import org.sparetire.tftp.policy.FileSource;
import org.sparetire.tftp.session.BlockSender;
import org.sparetire.tftp.session.Outgoing;

/**
 * A lockstep read served the way atftpd and tftp-hpa serve one: on a thread of its own, from a socket of
 * its own, sending a block and then sleeping in a blocking receive until the ACK comes.
 * That is one send and one receive system call per block and one wake-up, with no event loop between the
 * ACK and the next block. The next block is made ready while the peer answers, and the ACK that asks for it
 * is checked by its bytes and answered before the session is told: the session's bookkeeping runs while
 * the block travels, not before it leaves. The transfer's timer runs on the shared timer thread of
 * {@link LockstepThreads} and resends from the same socket; when the transfer ends, closing the socket
 * wakes the receive.
 *
 * <p>The {@link TransferContext} and its session stay as on an event loop; a lock takes the place of the
 * loop, so the receive, the timer and an abort from outside reach them one at a time. The thread waits
 * only on its own socket, never on an event loop.
 */
final class LockstepSocket implements Runnable, TransferContext.Io {
    private static final Logger log = LoggerFactory.getLogger(LockstepSocket.class);
    /** A read transfer receives ACKs and ERRORs only; anything longer is cut and fails to decode or is ignored. */
    private static final int RECEIVE_MAX = 1024;

    private final TransferContext transfer;
    private final LockstepThreads threads;
    private final InetAddress local;
    private final ServerSettings settings;
    private final FileSource source;
    private final BlockSender blocks;
    private final Runnable fallback;
    private final InetSocketAddress peer;
    private final ReentrantLock lock = new ReentrantLock();
    private DatagramChannel channel;
    private boolean closed;

    /** Pooled direct buffers, given back when the transfer closes; used under {@link #lock}. */
    private ByteBuf inBuf;
    private ByteBuf outBuf;
    private ByteBuf spareBuf;
    private ByteBuffer in;
    private ByteBuffer out;
    /** The likely next block, header and payload, made while the peer answers; null when there is none. */
    private ByteBuffer spare;
    private Outgoing.Block spareBlock;
    /** The block number of the ACK that makes the session send {@link #spareBlock}, or -1. */
    private int spareAnswers = -1;
    /** The block sent on its ACK's bytes, which the session's step is about to ask for again. */
    private Outgoing.Block sentAhead;
    /** Small blocks' source; null for big blocks, which are read on their own. */
    private ReadAhead readAhead;

    /**
     * @param fallback binds the transfer on an event loop instead; run when no socket could be bound here,
     *                 so the usual path reports what is wrong
     */
    LockstepSocket(TransferContext transfer, TransferPlan plan, LockstepThreads threads, InetAddress local,
                   Runnable fallback) {
        this.transfer = transfer;
        this.threads = threads;
        this.local = local;
        this.settings = plan.settings();
        this.source = plan.source();
        this.blocks = (BlockSender) plan.session();
        this.fallback = fallback;
        this.peer = plan.record().peer();
    }

    /** Whether a planned transfer can be served this way: a read in lockstep from a socket of its own. */
    static boolean fits(TransferPlan plan) {
        return plan.session() instanceof BlockSender s && s.parameters().windowsize() == 1
                && !plan.settings().singlePort() && plan.settings().replyPoll().isZero();
    }

    @Override
    public void run() {
        if (!open()) {
            fallback.run();
            return;
        }
        try {
            serve();
        } finally {
            inBuf.release(); // only here: a receive may still be leaving the socket the timer thread closed
        }
    }

    private void serve() {
        locked(() -> {
            transfer.attach(this);
            transfer.start();
        });
        while (!transfer.isClosed()) {
            in.clear();
            InetSocketAddress from;
            try {
                from = (InetSocketAddress) channel.receive(in);
            } catch (ClosedChannelException e) {
                break; // the transfer ended and closed the socket (or the thread was interrupted)
            } catch (IOException e) {
                log.debug("tftp transfer socket: peer={} {}", Addresses.format(peer), e.toString());
                locked(() -> transfer.abort("socket error: " + e.getMessage()));
                break;
            }
            in.flip();
            lock.lock();
            try {
                sendAhead(from);
                TftpPacket packet = decode(from);
                if (packet != null) {
                    transfer.onPacket(from, packet);
                }
                sentAhead = null;
            } finally {
                lock.unlock();
            }
        }
    }

    private TftpPacket decode(InetSocketAddress from) {
        try {
            return TftpCodec.decode(in);
        } catch (MalformedPacketException e) {
            log.debug("tftp malformed packet dropped: peer={} {}", Addresses.format(from), e.getMessage());
            return null;
        }
    }

    /**
     * Sends the likely next block at once when the datagram is the ACK that asks for it, from the peer: in
     * lockstep the session answers that ACK with that block and nothing else ({@link BlockSender#ackForLikelyNext}).
     */
    private void sendAhead(InetSocketAddress from) {
        if (spareBlock != null && spareAnswers >= 0 && in.remaining() == 4 && in.getShort(0) == TftpPacket.OP_ACK
                && (in.getShort(2) & 0xFFFF) == spareAnswers && peer.equals(from) && !transfer.isClosed()) {
            sentAhead = spareBlock;
            takeSpare();
            write(out, peer);
        }
    }

    /**
     * Binds a port from the configured range (a random start, then one after another). Not connected to the
     * peer: a stranger's packet must reach the session, which answers it with ERROR 5 (RFC 1350 section 4).
     */
    private boolean open() {
        int low = settings.portLow();
        int span = low == 0 ? 1 : settings.portHigh() - low + 1;
        int first = low == 0 ? 0 : ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = low == 0 ? 0 : low + (first + i) % span;
            DatagramChannel ch = null;
            try {
                ch = DatagramChannel.open(local instanceof Inet4Address ? StandardProtocolFamily.INET
                        : StandardProtocolFamily.INET6);
                ch.bind(new InetSocketAddress(local, port));
                channel = ch;
                allocate();
                return true;
            } catch (IOException e) {
                closeQuietly(ch);
            }
        }
        return false;
    }

    private void allocate() {
        int block = Data.HEADER + blocks.parameters().blksize();
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        inBuf = alloc.directBuffer(RECEIVE_MAX, RECEIVE_MAX);
        in = inBuf.nioBuffer(0, RECEIVE_MAX);
        outBuf = alloc.directBuffer(block, block);
        out = outBuf.nioBuffer(0, block);
        spareBuf = alloc.directBuffer(block, block);
        spare = spareBuf.nioBuffer(0, block);
        if (blocks.parameters().blksize() <= ReadAhead.MAX_BLOCK) {
            readAhead = new ReadAhead(source, alloc);
        }
    }

    private void locked(Runnable r) {
        lock.lock();
        try {
            r.run();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Future<?> schedule(Runnable task, long delayNanos) {
        return threads.schedule(() -> locked(task), delayNanos);
    }

    @Override
    public Future<?> submit(Runnable task) {
        return threads.submit(() -> locked(task));
    }

    @Override
    public boolean send(List<Outgoing> sends, boolean more) {
        for (Outgoing o : sends) {
            if (o instanceof Outgoing.Block b) {
                if (b.equals(sentAhead)) {
                    sentAhead = null; // it left on its ACK's bytes
                    continue;
                }
                if (!fill(b)) {
                    return false;
                }
                write(out, peer);
            } else {
                Outgoing.Packet p = (Outgoing.Packet) o;
                ByteBuffer buf = ByteBuffer.allocate(TftpCodec.encodedLength(p.packet()));
                TftpCodec.encode(p.packet(), buf);
                write(buf.flip(), p.to() == null ? peer : p.to());
            }
        }
        if (more) {
            prepareLikelyNext();
        }
        return true;
    }

    private void write(ByteBuffer datagram, InetSocketAddress to) {
        try {
            channel.send(datagram, to);
        } catch (ClosedChannelException e) {
            // the transfer is ending
        } catch (IOException e) {
            // Lost like any datagram (a full buffer, no route for now): the timer resends.
            log.debug("tftp send failed: peer={} {}", Addresses.format(to), e.toString());
        }
    }

    /** Puts block b (header and payload) into {@link #out}; false when the source could not give it. */
    private boolean fill(Outgoing.Block b) {
        if (b.equals(spareBlock)) {
            takeSpare();
            return true;
        }
        if (!put(b, out)) {
            return false;
        }
        out.flip();
        return true;
    }

    /** Makes the ready block the one to send: {@link #out} and {@link #spare} change places. */
    private void takeSpare() {
        ByteBuffer t = out;
        out = spare;
        spare = t;
        ByteBuf tb = outBuf;
        outBuf = spareBuf;
        spareBuf = tb;
        spareBlock = null;
        spareAnswers = -1;
        out.position(0);
    }

    /** Writes block b's header and payload into target, from position 0 up to its limit. */
    private boolean put(Outgoing.Block b, ByteBuffer target) {
        target.clear();
        target.putShort((short) TftpPacket.OP_DATA).putShort((short) b.wireBlock());
        target.limit(Data.HEADER + b.length());
        if (b.length() == 0) {
            return true;
        }
        if (readAhead == null) {
            return readFully(b.offset(), target);
        }
        int at = readAhead.locate(b);
        if (at < 0) {
            return false;
        }
        readAhead.chunk().getBytes(at, target);
        return true;
    }

    /** Makes the likely next block ready in {@link #spare} while the peer is still answering for the one just sent. */
    private void prepareLikelyNext() {
        Outgoing.Block next = blocks.likelyNext();
        if (next != null && !next.equals(spareBlock)) {
            spareBlock = put(next, spare) ? next : null;
            spare.flip();
        }
        spareAnswers = next != null && next.equals(spareBlock) ? blocks.ackForLikelyNext() : -1;
    }

    private boolean readFully(long offset, ByteBuffer target) {
        int want = target.remaining();
        try {
            return source.read(offset, target) == want;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(channel); // wakes the receive
        for (ByteBuf b : new ByteBuf[] {outBuf, spareBuf}) {
            if (b != null) {
                b.release();
            }
        }
        if (readAhead != null) {
            readAhead.release();
        }
    }

    private static void closeQuietly(DatagramChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing left to do with it
            }
        }
    }
}
