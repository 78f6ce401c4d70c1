package org.sparetire.dhcp.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.net.BindFailures;
import org.sparetire.core.net.LinuxSocketOptions;
import org.sparetire.core.net.NetRuntime;
import org.sparetire.dhcp.LocalInterfaces;
import org.sparetire.dhcp.codec.DhcpCodec;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.MalformedPacketException;
import org.sparetire.dhcp.lease.Ingress;

/**
 * DHCP sockets: one per configured interface (and per port), each bound to {@code 0.0.0.0:port} and to its
 * interface with {@code SO_BINDTODEVICE}. That one option gives both halves of "answer only there":
 * the kernel delivers to the socket only datagrams that arrived on that interface (broadcast DISCOVERs
 * included), and a reply sent to 255.255.255.255 leaves by that interface and no other, whatever the
 * routing table says about the default route. It is the approach ISC dhcpd and Kea's UDP mode take;
 * dnsmasq instead reads IP_PKTINFO, which Netty does not expose. All sockets share one event loop, so
 * the responder behind them needs no locks.
 */
public final class DhcpTransport {
    private static final Logger log = LoggerFactory.getLogger(DhcpTransport.class);
    /** asm-generic/socket.h. */
    private static final int SO_BINDTODEVICE = 25;
    private static final boolean ROOT = "root".equals(ProcessHandle.current().info().user().orElse(""));
    /** IFNAMSIZ: interface names are at most 15 bytes plus NUL. */
    private static final int IFNAMSIZ = 16;
    /** Bytes of kernel receive queue per socket (capped by net.core.rmem_max). */
    private static final int RECEIVE_BUFFER = 4 << 20;
    /** Datagrams read before the handler hears "batch end"; Netty's default is 16. */
    private static final int READ_BURST = 64;

    /** Called on the event loop: once per well-formed request, then once when a burst of reads ends. */
    public interface RequestHandler {
        void onRequest(DhcpMessage request, Ingress ingress, Endpoint endpoint);

        /** The socket has nothing more to read for now: the moment to commit a batch (group commit). */
        void onBatchEnd();
    }

    /** One bound socket. */
    public static final class Endpoint {
        private final Channel channel;
        private final LocalInterfaces.Ipv4 iface;
        private final boolean bootServerPort;

        Endpoint(Channel channel, LocalInterfaces.Ipv4 iface, boolean bootServerPort) {
            this.channel = channel;
            this.iface = iface;
            this.bootServerPort = bootServerPort;
        }

        public LocalInterfaces.Ipv4 iface() {
            return iface;
        }

        public boolean bootServerPort() {
            return bootServerPort;
        }

        public int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }

        /** The interface address with the real bound port, for health endpoints. */
        public InetSocketAddress address() {
            return new InetSocketAddress(iface.address(), port());
        }

        /** Encodes and sends; safe from any thread. */
        public void send(DhcpMessage reply, int maxLength, InetSocketAddress to) {
            DhcpCodec.Encoded e = DhcpCodec.encode(reply, maxLength);
            if (!e.dropped().isEmpty()) {
                log.debug("dhcp reply to {} leaves out options {}: they do not fit in {} bytes", to, e.dropped(), maxLength);
            }
            ByteBuf buf = Unpooled.wrappedBuffer(e.bytes());
            channel.writeAndFlush(new DatagramPacket(buf, to)).addListener(f -> {
                if (!f.isSuccess()) {
                    log.warn("dhcp send to {} via {} failed: {}", to, iface.name(), f.cause().toString());
                }
            });
        }

        public void close() {
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    private final NetRuntime net;
    private final EventLoop loop;

    public DhcpTransport(NetRuntime net) {
        this.net = net;
        this.loop = net.group().next();
    }

    /** SO_BINDTODEVICE needs the native transport; NIO cannot tie a socket to an interface. */
    public boolean canBindToDevice() {
        return EpollDatagramChannel.class.isAssignableFrom(net.datagramChannel());
    }

    public Endpoint bind(LocalInterfaces.Ipv4 iface, int port, boolean bootServerPort, String settingKey,
                         RequestHandler handler) throws ServiceStartException {
        if (!canBindToDevice()) {
            throw new ServiceStartException("DHCP needs the Linux epoll transport to tie its sockets to "
                    + iface.name() + " (SO_BINDTODEVICE); set lifecycle.io-transport: auto or epoll");
        }
        Bootstrap b = deviceBootstrap(iface.name()).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                // Replies written while a read burst is handled (OFFERs), or by one task (a group commit's
                // ACKs), leave with one flush: the epoll transport then sends them with one sendmmsg
                // instead of a sendto each.
                ch.pipeline().addLast(new FlushConsolidationHandler(READ_BURST, true),
                        new RequestDecoder(iface, bootServerPort, handler));
            }
        });
        InetSocketAddress where = new InetSocketAddress(port);
        ChannelFuture f = b.bind(where).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new ServiceStartException(BindFailures.describe(where, settingKey, f.cause()) + " on " + iface.name(),
                    f.cause());
        }
        Endpoint ep = new Endpoint(f.channel(), iface, bootServerPort);
        log.info("dhcp listening iface={} address={} port={}{}", iface.name(), iface.address().getHostAddress(),
                ep.port(), bootServerPort ? " (PXE boot server)" : "");
        return ep;
    }

    Bootstrap deviceBootstrap(String ifaceName) {
        ByteBuffer name = ByteBuffer.allocateDirect(IFNAMSIZ);
        name.put(ifaceName.getBytes(StandardCharsets.US_ASCII));
        name.position(0).limit(IFNAMSIZ);
        Bootstrap b = new Bootstrap();
        if (ROOT) {
            // net.core.rmem_max (often 208 KiB: a few hundred DHCP datagrams) caps SO_RCVBUF; root may go past it.
            b.option(LinuxSocketOptions.SO_RCVBUFFORCE, RECEIVE_BUFFER);
        }
        return b.group(loop).channel(net.datagramChannel())
                .option(new RawUnixChannelOption("SO_BINDTODEVICE", LinuxSocketOptions.SOL_SOCKET, SO_BINDTODEVICE,
                        IFNAMSIZ), name)
                .option(ChannelOption.SO_BROADCAST, true)
                .option(ChannelOption.SO_REUSEADDR, true)
                // A lab full of devices powering on at once sends its DISCOVERs in one burst: let the
                // kernel queue them rather than drop them while the event loop is busy.
                .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
                // Up to this many datagrams per read burst; each burst's leases go to the journal as one
                // append, and appends queued while a sync runs share the next one (group commit).
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048).maxMessagesPerRead(READ_BURST));
    }

    public void execute(Runnable task) {
        loop.execute(task);
    }

    public ScheduledFuture<?> every(Duration period, Runnable task) {
        return loop.scheduleAtFixedRate(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean inLoop() {
        return loop.inEventLoop();
    }

    /** Decodes datagrams; malformed ones are dropped with one debug line and the socket stays open. */
    private static final class RequestDecoder extends SimpleChannelInboundHandler<DatagramPacket> {
        private final LocalInterfaces.Ipv4 iface;
        private final boolean bootServerPort;
        private final RequestHandler handler;
        private Endpoint endpoint;

        RequestDecoder(LocalInterfaces.Ipv4 iface, boolean bootServerPort, RequestHandler handler) {
            this.iface = iface;
            this.bootServerPort = bootServerPort;
            this.handler = handler;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            endpoint = new Endpoint(ctx.channel(), iface, bootServerPort);
            ctx.fireChannelActive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf content = packet.content();
            byte[] bytes = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), bytes);
            DhcpMessage msg;
            try {
                msg = DhcpCodec.decode(bytes);
            } catch (MalformedPacketException e) {
                log.debug("dhcp drop malformed iface={} peer={} bytes={}: {}", iface.name(), packet.sender(), bytes.length,
                        e.getMessage());
                return;
            }
            if (endpoint == null) {
                endpoint = new Endpoint(ctx.channel(), iface, bootServerPort);
            }
            handler.onRequest(msg, new Ingress(iface.name(), iface.address(), iface.network(), packet.sender(),
                    bootServerPort), endpoint);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            handler.onBatchEnd();
            ctx.fireChannelReadComplete();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // One line, and the socket stays open: the next client deserves an answer (netty QOTM example).
            log.warn("dhcp socket on {}: {}", iface.name(), cause.toString());
        }
    }
}
