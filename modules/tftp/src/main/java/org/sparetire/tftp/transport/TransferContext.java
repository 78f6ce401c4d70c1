package org.sparetire.tftp.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sparetire.core.event.TransferDirection;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.event.TransferProgress;
import org.sparetire.core.event.TransferStarted;
import org.sparetire.core.net.runtime.ReplyPolling;
import org.sparetire.core.time.Clock;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.ErrorPacket;
import org.sparetire.tftp.codec.Request;
import org.sparetire.tftp.codec.TftpCodec;
import org.sparetire.tftp.codec.TftpPacket;
import org.sparetire.tftp.policy.Admission;
import org.sparetire.tftp.policy.FileSource;
import org.sparetire.tftp.session.BlockReceiver;
import org.sparetire.tftp.session.BlockSender;
import org.sparetire.tftp.session.Completion;
import org.sparetire.tftp.session.Outgoing;
import org.sparetire.tftp.session.Step;
import org.sparetire.tftp.session.Transfer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running transfer on its channel's event loop: feeds the session, sends what it asks (DATA payloads
 * read from the source straight into pooled buffers), keeps one lazy timer, and reports the outcome once.
 * Every method except the volatile getters runs on {@link #channel}'s event loop.
 */
final class TransferContext {
    private static final Logger log = LoggerFactory.getLogger(TransferContext.class);
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
    /** When {@link #timer} fires. */
    private long timerAt;
    private boolean reported;
    private volatile boolean closed;
    private volatile boolean progressed;
    /**
     * A window of blocks up to this size is answered within a wake-up's time by a fast peer, so polling for
     * its ACK pays; a bigger window keeps the peer busy for longer (atftp with windowsize 8 at 1468 went from
     * about 155 to 133 MB/s with polling). A single lockstep block is polled for whatever its size: the
     * peer answers as soon as it has written it, and for 64 KiB blocks polling took curl's median from 606
     * to 687 MB/s (20 downloads each, 2 cores, clients writing to tmpfs; see docs/benchmarks.md, TFTP).
     */
    static final int REPLY_POLL_MAX_WINDOW_BYTES = 16 * 1024;
    /**
     * A polling loop keeps a core busy, so polling stops while more transfers run than half the cores:
     * then the loops have work arriving anyway, and the cores are better left to everything else (with
     * 200 concurrent curl clients on 2 cores, polling cost about 10 % of the aggregate rate).
     */
    private static final int POLLING_TRANSFERS_MAX = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    /** Every this many sends, poll even after a slow reply: the peer may have become fast again. */
    private static final int REPLY_POLL_PROBE_EVERY = 64;
    private final long replyPollNanos;
    private long lastSend;
    /** From the end of our last send to the peer's next packet; 0 until measured, so the first send polls. */
    private long replyLatency;
    private int sendsSinceProbe;

    TransferContext(TftpServer server, TftpServer.Listener listener, TransferRecord record, Request request,
                    Transfer session, FileSource source, Admission admission, Clock clock, Duration progressInterval,
                    Duration replyPoll, long expectedBytes) {
        this.server = server;
        this.listener = listener;
        this.record = record;
        this.request = request;
        this.session = session;
        this.source = source;
        this.admission = admission;
        this.clock = clock;
        this.progressIntervalNanos = progressInterval.toNanos();
        this.replyPollNanos = replyPoll.toNanos();
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
        long now = clock.nanoTime();
        replyLatency = now - lastSend;
        apply(session.onPacket(from, packet, now));
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
        long sentBytes = 0;
        int sentBlocks = 0;
        List<Outgoing> sends = step.send();
        for (int i = 0; i < sends.size(); i++) {
            Outgoing o = sends.get(i);
            if (o instanceof Outgoing.Block b) {
                List<Outgoing.Block> segments = segmentable(sends, i, b);
                boolean ok = segments.size() > 1 ? sendSegmented(segments) : sendBlock(b);
                if (!ok) {
                    channel.flush();
                    apply(session.abort("file changed while being sent"));
                    return;
                }
                i += segments.size() - 1;
                sentBytes += (long) b.length() * segments.size();
                sentBlocks += segments.size();
            } else {
                Outgoing.Packet p = (Outgoing.Packet) o;
                channel.write(datagram(channel, p.packet(), p.to() == null ? record.peer() : p.to()));
            }
            wrote = true;
        }
        if (wrote) {
            channel.flush();
            lastSend = clock.nanoTime();
            if (!step.closed()) {
                pollForReply(sentBlocks, sentBytes);
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
        if (scheduleAnew(timer != null, timerAt, deadline)) {
            if (timer != null) {
                timer.cancel(false);
            }
            schedule(now);
        }
    }

    /**
     * Whether the timer must be (re)scheduled for a new deadline. It stays lazy while deadlines move later
     * (each ACK): it fires, sees the later deadline and sleeps again. A deadline that moved earlier (a round
     * trip measured, a quick resend) would be missed until the old one, so it is scheduled anew.
     */
    static boolean scheduleAnew(boolean pending, long pendingAt, long deadline) {
        return deadline != Step.NO_DEADLINE && (!pending || deadline - pendingAt < 0);
    }

    /**
     * Lets the event loop poll for the peer's answer instead of sleeping ({@link ReplyPolling}) when that
     * pays: few transfers run, the send was one block or a small window, so the round trip is mostly wake-up
     * latency and the peer's own copy, and this peer's last answer came within the polling budget. A peer
     * that answers slowly costs no polling, apart from one probe every {@value #REPLY_POLL_PROBE_EVERY} sends.
     */
    private void pollForReply(int sentBlocks, long sentBytes) {
        if (replyPollNanos == 0 || !quickReplyLikely(sentBlocks, sentBytes)
                || server.activeTransfers() > POLLING_TRANSFERS_MAX) {
            return;
        }
        if (replyLatency <= replyPollNanos || ++sendsSinceProbe >= REPLY_POLL_PROBE_EVERY) {
            sendsSinceProbe = 0;
            ReplyPolling.expectReplyWithin(replyPollNanos);
        }
    }

    /** One block of any size (or none: an OACK, an ACK), or a window of at most 16 KiB. */
    static boolean quickReplyLikely(int sentBlocks, long sentBytes) {
        return sentBlocks <= 1 || sentBytes <= REPLY_POLL_MAX_WINDOW_BYTES;
    }

    private void schedule(long now) {
        timerAt = deadline;
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

    /**
     * UDP generic segmentation offload (Linux 4.18+): a window of equal blocks leaves in one system call as one
     * buffer, and the kernel cuts it into datagrams further down the stack (in software when the device
     * cannot), so the route lookup and the socket layer run once per window instead of once per block. The
     * peer sees ordinary datagrams. Set false for good once a send fails, since some devices (tunnels
     * without checksum offload) refuse it. Asked only once an epoll channel sends, whose native library is
     * loaded by then: asking first on NIO would load it from the jar on the event loop.
     */
    private static volatile Boolean segmentation;

    private static boolean segmentationSupported() {
        Boolean supported = segmentation;
        if (supported == null) {
            supported = SegmentedDatagramPacket.isSupported();
            segmentation = supported;
        }
        return supported;
    }

    /** Kernel limits: UDP_MAX_SEGMENTS and one IP datagram's payload. */
    private static final int MAX_SEGMENTS = 64;
    private static final int MAX_SEGMENTED_BYTES = 65_507;

    /**
     * The blocks from {@code first} (at index i) on that can leave as one segmented send: equal lengths, the
     * last one may be shorter. Just {@code first} when segmentation is off or does not apply.
     */
    private List<Outgoing.Block> segmentable(List<Outgoing> sends, int i, Outgoing.Block first) {
        if (!(channel instanceof EpollDatagramChannel) || !segmentationSupported() || i + 1 == sends.size()
                || !(sends.get(i + 1) instanceof Outgoing.Block) || first.length() > READ_AHEAD_MAX_BLOCK) {
            return List.of(first); // lockstep lands here: one block per step
        }
        int limit = Math.min(MAX_SEGMENTS, MAX_SEGMENTED_BYTES / (Data.HEADER + first.length()));
        List<Outgoing.Block> blocks = new ArrayList<>(Math.min(limit, sends.size() - i));
        blocks.add(first);
        for (int k = i + 1; k < sends.size() && blocks.size() < limit; k++) {
            if (!(sends.get(k) instanceof Outgoing.Block next) || next.length() > first.length()) {
                break;
            }
            blocks.add(next);
            if (next.length() < first.length()) {
                break; // a shorter block ends a segmented send
            }
        }
        return blocks;
    }

    private boolean sendSegmented(List<Outgoing.Block> blocks) {
        int total = 0;
        for (Outgoing.Block b : blocks) {
            total += Data.HEADER + b.length();
        }
        ByteBuf buf = channel.alloc().ioBuffer(total);
        for (Outgoing.Block b : blocks) {
            buf.writeShort(TftpPacket.OP_DATA).writeShort(b.wireBlock());
            if (b.length() > 0 && !copyFromReadAhead(b, buf)) {
                buf.release();
                return false;
            }
        }
        int segment = Data.HEADER + blocks.get(0).length();
        channel.write(new SegmentedDatagramPacket(buf, segment, record.peer())).addListener(f -> {
            if (!f.isSuccess() && !closed) {
                segmentation = false;
                log.info("tftp: UDP segmentation offload refused ({}); sending blocks one datagram each from now on",
                        f.cause().toString());
                for (Outgoing.Block b : blocks) {
                    if (!sendBlock(b)) {
                        break; // the next ACK or timeout meets the same short read and aborts the transfer
                    }
                }
                channel.flush();
            }
        });
        return true;
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
        Path savedAs = completion.outcome() == TransferOutcome.COMPLETED && session instanceof BlockReceiver r
                ? r.savedAs().map(Path::of).orElse(null) : null;
        server.finished(new TransferFinished(clock.now(), record.id(), record.peer(), record.direction(), record.file(),
                record.mode(), record.options(), bytes, elapsed, session.retransmits(), completion.outcome(),
                completion.detail(), "tftp", savedAs), session.parameters().blksize(), session.parameters().windowsize());
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
