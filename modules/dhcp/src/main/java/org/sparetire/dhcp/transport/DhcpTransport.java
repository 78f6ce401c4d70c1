package org.sparetire.dhcp.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
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
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.net.BindFailures;
import org.sparetire.core.net.runtime.LinuxSocketOptions;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.dhcp.LocalInterfaces;
import org.sparetire.dhcp.codec.DhcpCodec;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.lease.Ingress;
import org.sparetire.dhcp.policy.RequestAdmission;
import org.sparetire.dhcp.policy.UnicastBudget;

/**
 * DHCP sockets: one per configured interface (and per port), each bound to {@code 0.0.0.0:port} and to its
 * interface with {@code SO_BINDTODEVICE}. That one option gives both halves of "answer only there":
 * the kernel delivers to the socket only datagrams that arrived on that interface (broadcast DISCOVERs
 * included), and a reply sent to 255.255.255.255 leaves by that interface and no other, whatever the
 * routing table says about the default route. It is the approach ISC dhcpd and Kea's UDP mode take;
 * dnsmasq instead reads IP_PKTINFO, which Netty does not expose. All sockets share one event loop, so
 * the responder behind them needs no locks.
 *
 * <p>Each interface has a second socket, bound to the interface's own address, for unicast. A unicast
 * reply (to a ciaddr, a relay's giaddr) may wait seconds in the kernel for an ARP answer that never comes,
 * and it is charged to its socket's send buffer meanwhile; sent through the socket that also carries the
 * broadcast OFFERs and ACKs, enough of them would hold every other client's reply back. So broadcasts
 * leave by the wildcard socket, which never waits for ARP, and unicast replies by their own socket, whose
 * queue is bounded: when it is full the reply is dropped and counted rather than queued behind the others.
 * The kernel keeps a bounded queue per destination while it resolves (unres_qlen_bytes) and drops it when
 * resolution fails; how many destinations may be resolving at once is bounded here ({@link UnicastBudget}),
 * because the kernel's neighbour table is shared by the whole host. Where the process may open a packet
 * socket (CAP_NET_RAW), a unicast reply to a directly connected client (ciaddr, not relayed) needs none of
 * that: it leaves as a link-layer frame to the client's chaddr ({@link LinkLayerSender}). Unicast requests arrive on the address-bound socket (the more specific binding) and
 * broadcasts on the wildcard one, so no datagram is read twice.
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
    /**
     * Send buffer of the unicast socket: replies held for ARP (up to about 3 s each) are charged to it, so it
     * is large enough for a few thousand of them (capped by net.core.wmem_max unless root).
     */
    private static final int UNICAST_SEND_BUFFER = 2 << 20;
    /**
     * Replies queued in user space once the kernel refuses more: past this, unicast replies are dropped. It
     * counts replies not yet flushed too, so it is well above what one consolidated flush holds (64 replies
     * of up to 1,500 bytes).
     */
    private static final WriteBufferWaterMark UNICAST_QUEUE = new WriteBufferWaterMark(128 << 10, 256 << 10);
    private static final byte[] LIMITED_BROADCAST = {(byte) 255, (byte) 255, (byte) 255, (byte) 255};

    /** Requests and replies given up under a flood, since start. */
    public record Dropped(long informsOverRate, long unicastNewDestinations, long unicastQueueFull) {
        public long total() {
            return informsOverRate + unicastNewDestinations + unicastQueueFull;
        }
    }

    /** Called on the event loop: once per well-formed request, then once when a burst of reads ends. */
    public interface RequestHandler {
        void onRequest(DhcpMessage request, Ingress ingress, Endpoint endpoint);

        /** The socket has nothing more to read for now: the moment to commit a batch (group commit). */
        void onBatchEnd();
    }

    /** One interface (and port): the wildcard socket for broadcasts, the address-bound one for unicast. */
    public static final class Endpoint {
        private final LocalInterfaces.Ipv4 iface;
        private final boolean bootServerPort;
        private final Shedding shedding;
        private volatile Channel channel;
        private volatile Channel unicast;
        private volatile LinkLayerSender link;

        Endpoint(LocalInterfaces.Ipv4 iface, boolean bootServerPort, Shedding shedding) {
            this.iface = iface;
            this.bootServerPort = bootServerPort;
            this.shedding = shedding;
        }

        public LocalInterfaces.Ipv4 iface() {
            return iface;
        }

        /** The socket's channel, once active: replies to what it reads can go out from here on. */
        void attach(Channel ch, boolean unicastSocket) {
            if (unicastSocket) {
                unicast = ch;
            } else {
                channel = ch;
            }
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
            DatagramPacket packet = new DatagramPacket(Unpooled.wrappedBuffer(e.bytes()), to);
            Channel u = unicast;
            LinkLayerSender l = link;
            if (u == null || java.util.Arrays.equals(to.getAddress().getAddress(), LIMITED_BROADCAST)) {
                channel.writeAndFlush(packet).addListener(f -> failed(f, to));
            } else if (l != null && direct(reply) && to.getAddress() instanceof java.net.Inet4Address dst) {
                packet.release();
                byte[] mac = reply.chaddr().toByteArray();
                int from = port();
                Runnable frame = () -> {
                    LinkLayerSender now = link; // null once closed
                    if (now != null && !now.send(mac, iface.address(), from, dst, to.getPort(), e.bytes())) {
                        shedding.queueFull.increment();
                    }
                };
                if (channel.eventLoop().inEventLoop()) {
                    frame.run();
                } else {
                    channel.eventLoop().execute(frame);
                }
            } else if (u.eventLoop().inEventLoop()) {
                sendUnicast(u, packet);
            } else {
                u.eventLoop().execute(() -> sendUnicast(u, packet));
            }
        }

        /** A reply to a client on this link (not through a relay, not to the boot server port) with an Ethernet chaddr. */
        private boolean direct(DhcpMessage reply) {
            return DhcpMessage.isZero(reply.giaddr()) && !bootServerPort && reply.htype() == 1
                    && reply.chaddr().length() == 6;
        }

        /** On the event loop: queue behind other unicast replies only while that queue is short. */
        private void sendUnicast(Channel u, DatagramPacket packet) {
            if (!shedding.budget.admit(packet.recipient().getAddress(), System.nanoTime())) {
                packet.release();
                shedding.newDestinations.increment();
                return;
            }
            if (!u.isWritable()) {
                packet.release();
                shedding.queueFull.increment();
                return;
            }
            InetSocketAddress to = packet.recipient();
            u.writeAndFlush(packet).addListener(f -> failed(f, to));
        }

        private void failed(io.netty.util.concurrent.Future<?> f, InetSocketAddress to) {
            if (!f.isSuccess()) {
                log.warn("dhcp send to {} via {} failed: {}", to, iface.name(), f.cause().toString());
            }
        }

        public void close() {
            LinkLayerSender l = link;
            if (l != null) {
                link = null;
                // Replies are sent on the event loop: closing there too means no send can find its
                // descriptor closed, or reused by another file.
                try {
                    channel.eventLoop().execute(l::close);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    l.close();
                }
            }
            Channel u = unicast;
            if (u != null) {
                u.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    private final NetRuntime net;
    private final EventLoop loop;
    private final RequestAdmission admission = new RequestAdmission();
    private final Shedding shedding = new Shedding();

    /** What is given up under a flood; the budget is touched only on the event loop. */
    static final class Shedding {
        final UnicastBudget budget = new UnicastBudget();
        final LongAdder informsOverRate = new LongAdder();
        final LongAdder newDestinations = new LongAdder();
        final LongAdder queueFull = new LongAdder();
    }

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
        return bind(SocketPlacement.choose(System.getProperty("os.name", ""), canBindToDevice(), iface.name()), iface, port,
                bootServerPort, settingKey, handler);
    }

    Endpoint bind(SocketPlacement placement, LocalInterfaces.Ipv4 iface, int port, boolean bootServerPort,
                  String settingKey, RequestHandler handler) throws ServiceStartException {
        Endpoint ep = new Endpoint(iface, bootServerPort, shedding);
        if (placement == SocketPlacement.DEVICE) {
            bindToDevice(ep, port, settingKey, handler);
        } else {
            // One socket for broadcast and unicast alike: Windows hands it the interface's broadcasts. Set here
            // as well as in channelActive, which NIO runs only after the bind has completed.
            ep.channel = bindOne(addressBootstrap(), ep, false, handler, new InetSocketAddress(iface.address(), port),
                    settingKey);
        }
        log.info("dhcp listening iface={} address={} port={}{}{}", iface.name(), iface.address().getHostAddress(),
                ep.port(), bootServerPort ? " (PXE boot server)" : "", ep.link != null ? " link-layer-replies" : "");
        return ep;
    }

    private void bindToDevice(Endpoint ep, int port, String settingKey, RequestHandler handler)
            throws ServiceStartException {
        LocalInterfaces.Ipv4 iface = ep.iface();
        InetSocketAddress where = new InetSocketAddress(port);
        Channel wildcard = bindOne(deviceBootstrap(iface.name()), ep, false, handler, where, settingKey);
        InetSocketAddress own = new InetSocketAddress(iface.address(), ((InetSocketAddress) wildcard.localAddress()).getPort());
        Bootstrap unicast = deviceBootstrap(iface.name())
                .option(ChannelOption.SO_SNDBUF, UNICAST_SEND_BUFFER)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, UNICAST_QUEUE);
        if (ROOT) {
            unicast.option(LinuxSocketOptions.SO_SNDBUFFORCE, UNICAST_SEND_BUFFER);
        }
        try {
            bindOne(unicast, ep, true, handler, own, settingKey);
        } catch (ServiceStartException e) {
            wildcard.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            throw e;
        }
        ep.link = ep.bootServerPort() ? null : LinkLayerSender.open(iface.name());
    }

    private Channel bindOne(Bootstrap b, Endpoint ep, boolean unicast, RequestHandler handler, InetSocketAddress where,
                            String settingKey) throws ServiceStartException {
        b.handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                // Replies written while a read burst is handled (OFFERs), or by one task (a group commit's
                // ACKs), leave with one flush: the epoll transport then sends them with one sendmmsg
                // instead of a sendto each.
                ch.pipeline().addLast(new FlushConsolidationHandler(READ_BURST, true),
                        new RequestDecoder(ep, unicast, handler, admission, shedding.informsOverRate));
            }
        });
        ChannelFuture f = b.bind(where).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new ServiceStartException(BindFailures.describe(where, settingKey, f.cause()) + " on "
                    + ep.iface().name(), f.cause());
        }
        return f.channel();
    }

    /** What was given up under a flood since start. */
    public Dropped dropped() {
        return new Dropped(shedding.informsOverRate.sum(), shedding.newDestinations.sum(), shedding.queueFull.sum());
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
        return commonOptions(b.option(new RawUnixChannelOption("SO_BINDTODEVICE", LinuxSocketOptions.SOL_SOCKET,
                SO_BINDTODEVICE, IFNAMSIZ), name));
    }

    /** A socket for {@link SocketPlacement#ADDRESS}: any transport, bound to the interface's address by the caller. */
    Bootstrap addressBootstrap() {
        return commonOptions(new Bootstrap());
    }

    private Bootstrap commonOptions(Bootstrap b) {
        return b.group(loop).channel(net.datagramChannel())
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
}
