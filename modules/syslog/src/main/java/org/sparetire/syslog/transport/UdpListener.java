package org.sparetire.syslog.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.net.InetSocketAddress;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.BindFailures;
import org.sparetire.core.net.NetRuntime;
import org.sparetire.syslog.SyslogConfig;
import org.sparetire.syslog.store.Intake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP socket (RFC 5426). Each datagram is one message: it is copied out of Netty's buffer, parsed
 * and queued on the event loop that read it, so the socket is drained as fast as the kernel fills it.
 */
public final class UdpListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UdpListener.class);
    /** Linux SOL_SOCKET / SO_RCVBUFFORCE: lets root exceed net.core.rmem_max, as rsyslog's imudp does. */
    private static final IntegerUnixChannelOption SO_RCVBUFFORCE = new IntegerUnixChannelOption("SO_RCVBUFFORCE", 1, 33);

    private final Channel channel;

    private UdpListener(Channel channel) {
        this.channel = channel;
    }

    public static UdpListener bind(NetRuntime net, InetSocketAddress address, long receiveBuffer, Intake intake)
            throws ServiceStartException {
        Bootstrap b = new Bootstrap().group(net.group()).channel(net.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, (int) receiveBuffer)
                // One buffer must hold the largest datagram (64 KiB); read many per wakeup under load.
                .option(ChannelOption.RCVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(SyslogConfig.MAX_UDP_PAYLOAD).maxMessagesPerRead(64))
                .handler(new Handler(intake));
        Channel ch;
        try {
            ch = b.bind(address).sync().channel();
        } catch (Exception e) {
            throw new ServiceStartException(BindFailures.describe(address, "syslog.udp.port", e), e);
        }
        UdpListener listener = new UdpListener(ch);
        listener.receiveBuffer(receiveBuffer);
        return listener;
    }

    /** Asks for the buffer, forcing past net.core.rmem_max where the process may (root on Linux). */
    public void receiveBuffer(long bytes) {
        int wanted = (int) bytes;
        if (channel.config().setOption(ChannelOption.SO_RCVBUF, wanted)) {
            Integer granted = channel.config().getOption(ChannelOption.SO_RCVBUF);
            // Linux reports twice the requested size (it counts bookkeeping); less means rmem_max capped it.
            if (granted != null && granted < wanted) {
                try {
                    channel.config().setOption(SO_RCVBUFFORCE, wanted);
                } catch (RuntimeException e) {
                    // NIO, or not privileged: keep the capped buffer.
                }
                granted = channel.config().getOption(ChannelOption.SO_RCVBUF);
                if (granted != null && granted < wanted) {
                    log.info("syslog udp receive buffer is {} bytes, not {} (raise net.core.rmem_max or run as root)",
                            granted, wanted);
                }
            }
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    @ChannelHandler.Sharable
    static final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Intake intake;

        Handler(Intake intake) {
            this.intake = intake;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf buf = packet.content();
            byte[] data = new byte[buf.readableBytes()];
            buf.readBytes(data);
            intake.accept(packet.sender(), "udp", data, 0, data.length, false, true);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // As netty's QOTM example: one bad datagram must not close the socket for everyone else.
            log.warn("syslog udp {}: {}", Addresses.format((InetSocketAddress) ctx.channel().localAddress()),
                    cause.toString());
        }
    }
}
