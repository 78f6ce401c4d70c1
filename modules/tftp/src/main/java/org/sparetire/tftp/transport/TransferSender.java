package org.sparetire.tftp.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.time.Clock;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.TftpCodec;
import org.sparetire.tftp.codec.TftpPacket;
import org.sparetire.tftp.policy.FileSource;
import org.sparetire.tftp.session.BlockSender;
import org.sparetire.tftp.session.Outgoing;

/**
 * The sending half of one transfer, on its channel's event loop: DATA payloads read from the source into
 * pooled direct buffers (small blocks cut from one read-ahead chunk, a big block read before its ACK
 * arrives), windows of equal blocks sent as one segmented datagram where the kernel offers it, and the
 * choice to poll for the peer's reply. No per-block heap allocation.
 */
final class TransferSender {
    private static final Logger log = LoggerFactory.getLogger(TransferSender.class);
    /** Kernel limits: UDP_MAX_SEGMENTS and one IP datagram's payload. */
    private static final int MAX_SEGMENTS = 64;
    private static final int MAX_SEGMENTED_BYTES = 65_507;

    private final InetSocketAddress peer;
    /** Null for a write transfer, which sends only ACKs and errors. */
    private final FileSource source;
    private final BlockSender blocks;
    private final Segmentation segmentation;
    private final ReplyPoller poller;
    private final Clock clock;
    private Channel channel;
    private boolean closed;

    private final ReadAhead readAhead;

    /**
     * A big block read ahead of its ACK (header bytes left blank): in lockstep the file read then overlaps
     * the peer's turn instead of sitting between its ACK and our DATA. Small blocks come from
     * {@link #readAhead} and gain nothing from it.
     */
    private ByteBuf prepared;
    private long preparedOffset;
    private int preparedLength;

    TransferSender(TransferPlan plan, TransferRuntime runtime) {
        this.peer = plan.record().peer();
        this.source = plan.source();
        this.readAhead = new ReadAhead(source, ByteBufAllocator.DEFAULT);
        this.blocks = plan.session() instanceof BlockSender s ? s : null;
        this.segmentation = runtime.segmentation();
        this.poller = new ReplyPoller(plan.settings().replyPoll().toNanos(), runtime.listener());
        this.clock = runtime.clock();
    }

    void attach(Channel channel) {
        this.channel = channel;
    }

    /** A packet from the peer arrived at {@code now}. */
    void replied(long now) {
        poller.replied(now);
    }

    /**
     * Writes and flushes what one step sends. When the transfer goes on ({@code more}), the likely next
     * block is read ahead and the loop may poll for the reply.
     *
     * @return false when the source could not give a block (the file changed); what was written is flushed
     */
    boolean send(List<Outgoing> sends, boolean more) {
        if (sends.isEmpty()) {
            return true;
        }
        long sentBytes = 0;
        int sentBlocks = 0;
        for (int i = 0; i < sends.size(); i++) {
            Outgoing o = sends.get(i);
            if (o instanceof Outgoing.Block b) {
                List<Outgoing.Block> segments = segmentable(sends, i, b);
                boolean ok = segments.size() > 1 ? sendSegmented(segments) : sendBlock(b);
                if (!ok) {
                    channel.flush();
                    return false;
                }
                i += segments.size() - 1;
                sentBytes += (long) b.length() * segments.size();
                sentBlocks += segments.size();
            } else {
                Outgoing.Packet p = (Outgoing.Packet) o;
                channel.write(datagram(channel, p.packet(), p.to() == null ? peer : p.to()));
            }
        }
        channel.flush();
        poller.sent(clock.nanoTime());
        if (more) {
            poller.expectReply(sentBlocks, sentBytes);
            prepareLikelyNext();
        }
        return true;
    }

    private void prepareLikelyNext() {
        if (blocks == null) {
            return;
        }
        Outgoing.Block next = blocks.likelyNext();
        if (next == null || next.length() <= ReadAhead.MAX_BLOCK || isPrepared(next)) {
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
     * The blocks from {@code first} (at index i) on that can leave as one segmented send: equal lengths, the
     * last one may be shorter. Just {@code first} when segmentation is off or does not apply.
     */
    private List<Outgoing.Block> segmentable(List<Outgoing> sends, int i, Outgoing.Block first) {
        if (!(channel instanceof EpollDatagramChannel) || !segmentation.supported() || i + 1 == sends.size()
                || !(sends.get(i + 1) instanceof Outgoing.Block) || first.length() > ReadAhead.MAX_BLOCK) {
            return List.of(first); // lockstep lands here: one block per step
        }
        int limit = Math.min(MAX_SEGMENTS, MAX_SEGMENTED_BYTES / (Data.HEADER + first.length()));
        List<Outgoing.Block> segments = new ArrayList<>(Math.min(limit, sends.size() - i));
        segments.add(first);
        for (int k = i + 1; k < sends.size() && segments.size() < limit; k++) {
            if (!(sends.get(k) instanceof Outgoing.Block next) || next.length() > first.length()) {
                break;
            }
            segments.add(next);
            if (next.length() < first.length()) {
                break; // a shorter block ends a segmented send
            }
        }
        return segments;
    }

    private boolean sendSegmented(List<Outgoing.Block> segments) {
        int total = 0;
        for (Outgoing.Block b : segments) {
            total += Data.HEADER + b.length();
        }
        ByteBuf buf = channel.alloc().ioBuffer(total);
        for (Outgoing.Block b : segments) {
            buf.writeShort(TftpPacket.OP_DATA).writeShort(b.wireBlock());
            if (b.length() > 0 && !copyFromReadAhead(b, buf)) {
                buf.release();
                return false;
            }
        }
        int segment = Data.HEADER + segments.get(0).length();
        channel.write(new SegmentedDatagramPacket(buf, segment, peer)).addListener(f -> {
            if (!f.isSuccess() && !closed) {
                segmentation.refused();
                log.info("tftp: UDP segmentation offload refused ({}); sending blocks one datagram each from now on",
                        f.cause().toString());
                for (Outgoing.Block b : segments) {
                    if (!sendBlock(b)) {
                        break; // the next ACK or timeout meets the same short read and aborts the transfer
                    }
                }
                channel.flush();
            }
        });
        return true;
    }

    /** DATA from the source into a pooled direct buffer. */
    private boolean sendBlock(Outgoing.Block b) {
        if (isPrepared(b)) {
            ByteBuf buf = prepared;
            prepared = null;
            buf.setShort(0, TftpPacket.OP_DATA).setShort(2, b.wireBlock());
            channel.write(new DatagramPacket(buf, peer));
            return true;
        }
        ByteBuf buf = channel.alloc().ioBuffer(Data.HEADER + b.length());
        buf.writeShort(TftpPacket.OP_DATA).writeShort(b.wireBlock());
        if (b.length() > 0) {
            boolean ok = b.length() <= ReadAhead.MAX_BLOCK ? copyFromReadAhead(b, buf) : readDirect(b, buf);
            if (!ok) {
                buf.release();
                return false;
            }
        }
        channel.write(new DatagramPacket(buf, peer));
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
        int at = readAhead.locate(b);
        if (at < 0) {
            return false;
        }
        buf.writeBytes(readAhead.chunk(), at, b.length());
        return true;
    }

    /** Gives the buffers back; a late segmented-send failure then sends nothing. */
    void close() {
        closed = true;
        readAhead.release();
        releasePrepared();
    }

    /** One packet, encoded into a pooled buffer. */
    static DatagramPacket datagram(Channel channel, TftpPacket packet, InetSocketAddress to) {
        ByteBuf buf = channel.alloc().ioBuffer(TftpCodec.encodedLength(packet));
        ByteBuffer nio = buf.nioBuffer(0, buf.capacity());
        TftpCodec.encode(packet, nio);
        buf.writerIndex(nio.position());
        return new DatagramPacket(buf, to);
    }
}
