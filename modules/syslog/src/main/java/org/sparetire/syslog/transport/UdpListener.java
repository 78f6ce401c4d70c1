package org.sparetire.syslog.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.BindFailures;
import org.sparetire.core.net.runtime.LinuxSocketOptions;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.syslog.SyslogConfig;
import org.sparetire.syslog.pipeline.DatagramQueue;
import org.sparetire.syslog.pipeline.Intake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP socket (RFC 5426). Each datagram is one message: the event loop that read it checks it against the
 * allowlist and rate limit and copies it into the socket's queue for the writer, so the socket is drained as fast
 * as the kernel fills it.
 */
public final class UdpListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UdpListener.class);
    /**
     * Datagrams per recvmmsg call: system calls are dear on a small virtual machine, and 64 filed about a quarter
     * more lines than 16 where 128 gave no more (docs/syslog.md, Performance).
     */
    static final int BATCH = 64;
    /**
     * Bytes from the start of one receive slot to the next: the largest datagram plus one cache line. Slots exactly
     * 64 KiB apart all begin in the same cache sets, so a batch of small datagrams evicted itself from L1 and L2
     * between the kernel copying it in and the handler copying it out (docs/syslog.md, Performance).
     */
    static final int SLOT = SyslogConfig.MAX_UDP_PAYLOAD + 64;

    private final Channel channel;
    private final Handler handler;

    private UdpListener(Channel channel, Handler handler) {
        this.channel = channel;
        this.handler = handler;
    }

    public static UdpListener bind(NetRuntime net, InetSocketAddress address, long receiveBuffer, Intake intake)
            throws ServiceStartException {
        Handler handler = new Handler(intake);
        Bootstrap b = new Bootstrap().group(net.group()).channelFactory(net.datagramChannelFor(address.getAddress()))
                .option(ChannelOption.SO_RCVBUF, (int) receiveBuffer)
                // One buffer must hold the largest datagram (64 KiB).
                .option(ChannelOption.RCVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(SyslogConfig.MAX_UDP_PAYLOAD).maxMessagesPerRead(64))
                .handler(handler);  // one per channel: it owns the channel's queue
        if (EpollDatagramChannel.class.isAssignableFrom(net.datagramChannel())) {
            // recvmmsg: one system call fetches up to BATCH datagrams, each in its own slot of over 64 KiB so
            // that even the largest is never cut. Epoll hands each datagram to the pipeline before reading again,
            // so one reused buffer serves every read (see ReusedBuffer). NIO reads a whole batch before the
            // pipeline sees any of it, so it keeps Netty's pooled buffers.
            b.option(ChannelOption.ALLOCATOR, new ReusedBuffer(SLOT * BATCH))
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, SLOT)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(SLOT * BATCH).maxMessagesPerRead(16));
        }
        Channel ch;
        try {
            ch = b.bind(address).sync().channel();
        } catch (Exception e) {
            handler.queue.close();
            throw new ServiceStartException(BindFailures.describe(address, "syslog.udp.port", e), e);
        }
        UdpListener listener = new UdpListener(ch, handler);
        listener.receiveBuffer(receiveBuffer);
        return listener;
    }

    /**
     * Asks for the buffer with SO_RCVBUFFORCE first (root on Linux may exceed net.core.rmem_max, as rsyslog's
     * imudp does), then plain SO_RCVBUF, which the kernel silently caps.
     */
    public void receiveBuffer(long bytes) {
        int wanted = (int) bytes;
        handler.pauseNanos = pauseAfterShortBurst(grantedReceiveBuffer(wanted));
    }

    /** @return the bytes the kernel grants the socket for datagrams (it reports twice that, bookkeeping included) */
    private int grantedReceiveBuffer(int wanted) {
        boolean forced = false;
        if (channel instanceof EpollDatagramChannel) {
            try {
                forced = channel.config().setOption(LinuxSocketOptions.SO_RCVBUFFORCE, wanted);
            } catch (RuntimeException e) {
                forced = false; // not privileged
            }
        }
        if (!forced) {
            channel.config().setOption(ChannelOption.SO_RCVBUF, wanted);
            Integer granted = channel.config().getOption(ChannelOption.SO_RCVBUF);
            if (granted != null && granted / 2 < wanted && channel instanceof EpollDatagramChannel) {
                log.info("syslog udp receive buffer capped at {} bytes, not {} (raise net.core.rmem_max or run as root)",
                        granted / 2, wanted);
                return granted / 2;
            }
        }
        return wanted;
    }

    /**
     * How long the event loop leaves the socket alone after a read that emptied it in less than one recvmmsg:
     * a wakeup per handful of datagrams cost more than reading them (docs/syslog.md, Performance). The pause is
     * a quarter of the time the buffer takes to fill at a million small datagrams a second (about 2 KiB of kernel
     * memory each), at most 1 ms: 1 ms for the default 8 MiB; a buffer too small for 100 us gets no pause.
     */
    static long pauseAfterShortBurst(long grantedBytes) {
        long micros = Math.min(1000, grantedBytes / 2048 / 4);
        return micros < 100 ? 0 : TimeUnit.MICROSECONDS.toNanos(micros);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    /**
     * Admits each datagram and copies it straight from the receive buffer into the socket's queue; the writer
     * parses it. Nothing per datagram outlives the read, so the collector has nothing to copy when it runs.
     */
    static final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Intake intake;
        private final DatagramQueue queue;
        /** One receive time per read burst: the clock costs as much as parsing a short message. */
        private Instant burstTime;
        /** Datagrams in the current read burst, denied ones included. */
        private int burstCount;
        private boolean paused;
        /** How long to leave a quiet socket alone after a short burst; 0 when its buffer is too small. */
        private volatile long pauseNanos;

        Handler(Intake intake) {
            this.intake = intake;
            this.queue = intake.openQueue();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            burstCount++;
            ByteBuf buf = packet.content();
            int length = buf.readableBytes();
            int kept = intake.admitDatagram(packet.sender(), length);
            if (kept < 0) {
                return;
            }
            if (burstTime == null) {
                burstTime = intake.now();
            }
            int at = queue.reserve(burstTime, packet.sender(), kept, kept < length);
            if (at < 0) {
                intake.queueFull();
                return;
            }
            buf.getBytes(buf.readerIndex(), queue.array(), at, kept);
            queue.commit();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            burstTime = null;
            long pause = pauseNanos;
            if (pause > 0 && burstCount < BATCH && !paused) {
                // The socket ran dry: rather than wake for every few datagrams, let them gather in the kernel.
                paused = true;
                ctx.channel().config().setAutoRead(false);
                ctx.executor().schedule(() -> {
                    paused = false;
                    ctx.channel().config().setAutoRead(true);
                }, pause, TimeUnit.NANOSECONDS);
            }
            burstCount = 0;
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            queue.close(); // the writer files what is left, then forgets the queue
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // As netty's QOTM example: one bad datagram must not close the socket for everyone else.
            log.warn("syslog udp {}: {}", Addresses.format((InetSocketAddress) ctx.channel().localAddress()),
                    cause.toString());
        }
    }
}
