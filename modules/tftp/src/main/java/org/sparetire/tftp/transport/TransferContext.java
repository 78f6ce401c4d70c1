package org.sparetire.tftp.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.sparetire.core.event.TransferDirection;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.event.TransferProgress;
import org.sparetire.core.event.TransferStarted;
import org.sparetire.core.time.Clock;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.ErrorPacket;
import org.sparetire.tftp.codec.Request;
import org.sparetire.tftp.codec.TftpCodec;
import org.sparetire.tftp.codec.TftpPacket;
import org.sparetire.tftp.policy.Admission;
import org.sparetire.tftp.policy.FileSource;
import org.sparetire.tftp.session.BlockSender;
import org.sparetire.tftp.session.Completion;
import org.sparetire.tftp.session.Outgoing;
import org.sparetire.tftp.session.Step;
import org.sparetire.tftp.session.Transfer;

/**
 * One running transfer on its channel's event loop: feeds the session, sends what it asks (DATA payloads
 * read from the source straight into pooled buffers), keeps one lazy timer, and reports the outcome once.
 * Every method except the volatile getters runs on {@link #channel}'s event loop.
 */
final class TransferContext {
    private final TftpServer server;
    private final TftpServer.Listener listener;
    private final TransferRecord record;
    private final Request request;
    private final Transfer session;
    private final FileSource source;
    private final Admission admission;
    private final Clock clock;
    private final long progressIntervalNanos;
    private final long expectedBytes;
    private Channel channel;
    private boolean ownsChannel;
    private long startedNanos;
    private Instant startedAt;
    private long lastProgress;
    private long deadline = Step.NO_DEADLINE;
    private ScheduledFuture<?> timer;
    private boolean reported;
    private volatile boolean closed;
    private volatile boolean progressed;

    TransferContext(TftpServer server, TftpServer.Listener listener, TransferRecord record, Request request,
                    Transfer session, FileSource source, Admission admission, Clock clock, Duration progressInterval,
                    long expectedBytes) {
        this.server = server;
        this.listener = listener;
        this.record = record;
        this.request = request;
        this.session = session;
        this.source = source;
        this.admission = admission;
        this.clock = clock;
        this.progressIntervalNanos = progressInterval.toNanos();
        this.expectedBytes = expectedBytes;
    }

    TransferRecord record() {
        return record;
    }

    int blksize() {
        return session.parameters().blksize();
    }

    Request request() {
        return request;
    }

    TftpServer.Listener listener() {
        return listener;
    }

    boolean isClosed() {
        return closed;
    }

    /** Data has moved; a repeated request is then a new transfer, not a retransmission. */
    boolean hasProgressed() {
        return progressed;
    }

    boolean ownsChannel() {
        return ownsChannel;
    }

    Channel channel() {
        return channel;
    }

    void attach(Channel channel, boolean owns) {
        this.channel = channel;
        this.ownsChannel = owns;
    }

    void start() {
        startedNanos = clock.nanoTime();
        startedAt = clock.now();
        lastProgress = startedNanos;
        server.events().publish(new TransferStarted(startedAt, record.id(), record.peer(), record.direction(),
                record.file(), record.mode(), record.options(), expectedBytes));
        apply(session.start(startedNanos));
    }

    void onPacket(InetSocketAddress from, TftpPacket packet) {
        if (closed) {
            return;
        }
        apply(session.onPacket(from, packet, clock.nanoTime()));
    }

    void abort(String reason) {
        if (!closed) {
            apply(session.abort(reason));
        }
    }

    private void onTimer() {
        timer = null;
        if (closed) {
            return;
        }
        long now = clock.nanoTime();
        if (deadline != Step.NO_DEADLINE && now - deadline < 0) {
            schedule(now);
            return;
        }
        apply(session.onTimeout(now));
    }

    private void apply(Step step) {
        boolean wrote = false;
        for (Outgoing o : step.send()) {
            if (o instanceof Outgoing.Block b) {
                if (!sendBlock(b)) {
                    channel.flush();
                    apply(session.abort("file changed while being sent"));
                    return;
                }
            } else {
                Outgoing.Packet p = (Outgoing.Packet) o;
                channel.write(datagram(channel, p.packet(), p.to() == null ? record.peer() : p.to()));
            }
            wrote = true;
        }
        if (wrote) {
            channel.flush();
            if (!step.closed()) {
                prepareLikelyNext();
            }
        }
        long now = clock.nanoTime();
        if (session.bytes() > 0) {
            progressed = true;
        }
        if (step.completion() != null) {
            if (step.closed()) {
                // Leave the live set before anyone hears of the outcome.
                close();
            }
            report(step.completion(), now);
        } else if (!step.closed() && now - lastProgress >= progressIntervalNanos) {
            lastProgress = now;
            server.events().publish(new TransferProgress(clock.now(), record.id(), record.peer(), session.bytes(),
                    expectedBytes, session.retransmits()));
        }
        if (step.closed()) {
            close();
            return;
        }
        deadline = step.deadline();
        if (deadline != Step.NO_DEADLINE && timer == null) {
            schedule(now);
        }
    }

    private void schedule(long now) {
        timer = channel.eventLoop().schedule(this::onTimer, Math.max(0, deadline - now), TimeUnit.NANOSECONDS);
    }

    /** Blocks up to this size are cut from one read-ahead chunk: one pread per chunk, not per block. */
    private static final int READ_AHEAD_MAX_BLOCK = 16 * 1024;
    private static final int READ_AHEAD = 256 * 1024;
    private ByteBuf readAhead;
    private long readAheadStart = -1;
    private int readAheadLength;

    /**
     * A big block read ahead of its ACK (header bytes left blank): in lockstep the file read then overlaps
     * the peer's turn instead of sitting between its ACK and our DATA. Small blocks come from
     * {@link #readAhead} and gain nothing from it.
     */
    private ByteBuf prepared;
    private long preparedOffset;
    private int preparedLength;

    private void prepareLikelyNext() {
        if (!(session instanceof BlockSender sender)) {
            return;
        }
        Outgoing.Block next = sender.likelyNext();
        if (next == null || next.length() <= READ_AHEAD_MAX_BLOCK || isPrepared(next)) {
            return;
        }
        releasePrepared();
        ByteBuf buf = channel.alloc().ioBuffer(Data.HEADER + next.length());
        buf.writerIndex(Data.HEADER);
        if (readDirect(next, buf)) {
            prepared = buf;
            preparedOffset = next.offset();
            preparedLength = next.length();
        } else {
            buf.release(); // sendBlock reads it again and reports a short read
        }
    }

    private boolean isPrepared(Outgoing.Block b) {
        return prepared != null && preparedOffset == b.offset() && preparedLength == b.length();
    }

    private void releasePrepared() {
        if (prepared != null) {
            prepared.release();
            prepared = null;
        }
    }

    /** DATA from the source into a pooled direct buffer: no per-block heap allocation. */
    private boolean sendBlock(Outgoing.Block b) {
        if (isPrepared(b)) {
            ByteBuf buf = prepared;
            prepared = null;
            buf.setShort(0, TftpPacket.OP_DATA).setShort(2, b.wireBlock());
            channel.write(new DatagramPacket(buf, record.peer()));
            return true;
        }
        ByteBuf buf = channel.alloc().ioBuffer(Data.HEADER + b.length());
        buf.writeShort(TftpPacket.OP_DATA).writeShort(b.wireBlock());
        if (b.length() > 0) {
            boolean ok = b.length() <= READ_AHEAD_MAX_BLOCK ? copyFromReadAhead(b, buf) : readDirect(b, buf);
            if (!ok) {
                buf.release();
                return false;
            }
        }
        channel.write(new DatagramPacket(buf, record.peer()));
        return true;
    }

    private boolean readDirect(Outgoing.Block b, ByteBuf buf) {
        ByteBuffer target = buf.nioBuffer(buf.writerIndex(), b.length());
        int n;
        try {
            n = source.read(b.offset(), target);
        } catch (IOException e) {
            return false;
        }
        if (n != b.length()) {
            return false;
        }
        buf.writerIndex(buf.writerIndex() + b.length());
        return true;
    }

    private boolean copyFromReadAhead(Outgoing.Block b, ByteBuf buf) {
        if (readAheadStart < 0 || b.offset() < readAheadStart
                || b.offset() + b.length() > readAheadStart + readAheadLength) {
            if (readAhead == null) {
                readAhead = channel.alloc().directBuffer(READ_AHEAD, READ_AHEAD);
            }
            int want = (int) Math.min(READ_AHEAD, source.size() - b.offset());
            int n;
            try {
                n = source.read(b.offset(), readAhead.nioBuffer(0, want));
            } catch (IOException e) {
                return false;
            }
            if (n < b.length()) {
                readAheadStart = -1;
                return false;
            }
            readAheadStart = b.offset();
            readAheadLength = n;
        }
        buf.writeBytes(readAhead, (int) (b.offset() - readAheadStart), b.length());
        return true;
    }

    static DatagramPacket datagram(Channel channel, TftpPacket packet, InetSocketAddress to) {
        ByteBuf buf = channel.alloc().ioBuffer(TftpCodec.encodedLength(packet));
        ByteBuffer nio = buf.nioBuffer(0, buf.capacity());
        TftpCodec.encode(packet, nio);
        buf.writerIndex(nio.position());
        return new DatagramPacket(buf, to);
    }

    private void report(Completion completion, long now) {
        if (reported) {
            return;
        }
        reported = true;
        admission.release(record.peer().getAddress());
        if (source != null) {
            source.close();
        }
        Duration elapsed = Duration.ofNanos(now - startedNanos);
        long bytes = session.bytes();
        if (record.direction() == TransferDirection.READ && session instanceof BlockSender s
                && completion.outcome() == TransferOutcome.COMPLETED) {
            bytes = s.size();
        }
        server.finished(new TransferFinished(clock.now(), record.id(), record.peer(), record.direction(), record.file(),
                record.mode(), record.options(), bytes, elapsed, session.retransmits(), completion.outcome(),
                completion.detail()), session.parameters().blksize(), session.parameters().windowsize());
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (readAhead != null) {
            readAhead.release();
            readAhead = null;
        }
        releasePrepared();
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (ownsChannel) {
            channel.close();
        }
        server.closed(this);
    }

    /** Sends an error for a transfer that could not start, from the given channel. */
    static void sendError(Channel channel, InetSocketAddress to, int code, String message) {
        channel.writeAndFlush(datagram(channel, new ErrorPacket(code, message), to));
    }
}
