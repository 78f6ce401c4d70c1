package org.sparetire.tftp.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.event.TransferDirection;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.BindFailures;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.core.time.Clock;
import org.sparetire.tftp.codec.Ack;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.ErrorPacket;
import org.sparetire.tftp.codec.MalformedPacketException;
import org.sparetire.tftp.codec.OptionAck;
import org.sparetire.tftp.codec.ReadRequest;
import org.sparetire.tftp.codec.Request;
import org.sparetire.tftp.codec.TftpCodec;
import org.sparetire.tftp.codec.TftpPacket;
import org.sparetire.tftp.policy.Admission;
import org.sparetire.tftp.policy.FileNames;
import org.sparetire.tftp.policy.FileSource;
import org.sparetire.tftp.policy.Refusal;
import org.sparetire.tftp.policy.RequestPolicy;
import org.sparetire.tftp.policy.Verdict;
import org.sparetire.tftp.session.BlockReceiver;
import org.sparetire.tftp.session.BlockSender;
import org.sparetire.tftp.session.OptionNegotiation;
import org.sparetire.tftp.session.Transfer;

/**
 * The TFTP server's sockets: a listener for requests, and per transfer either its own socket (its own
 * TID, RFC 1350 section 4) or, in single-port mode, the listener itself with transfers told apart by the
 * client's address and port. Thin: decode, hand to the policy and the session, encode, send.
 */
public final class TftpServer {
    private static final Logger log = LoggerFactory.getLogger("org.sparetire.tftp");
    /** The largest UDP payload: a DATA of 65464 bytes plus header must never be truncated on receive. */
    private static final int DATAGRAM_MAX = 65536;
    private static final int SOCKET_BUFFER = 4 << 20;

    private final NetRuntime net;
    private final EventBus events;
    private final Clock clock;
    private final AtomicLong served = new AtomicLong();
    private final Map<InetSocketAddress, TransferContext> byPeer = new ConcurrentHashMap<>();
    private final Set<TransferContext> live = ConcurrentHashMap.newKeySet();
    private final List<Listener> listeners = new ArrayList<>();
    private volatile ServerSettings settings;
    private volatile Listener current;

    /** A bound request socket. Retired listeners take no new requests but serve their single-port transfers. */
    final class Listener {
        final Channel channel;
        final InetSocketAddress local;
        final AtomicInteger transfers = new AtomicInteger();
        volatile boolean retired;

        Listener(Channel channel) {
            this.channel = channel;
            this.local = (InetSocketAddress) channel.localAddress();
        }

        void retireIfIdle() {
            if (retired && transfers.get() == 0) {
                channel.close();
            }
        }
    }

    public TftpServer(NetRuntime net, EventBus events, Clock clock) {
        this.net = net;
        this.events = events;
        this.clock = clock;
    }

    EventBus events() {
        return events;
    }

    /**
     * @param receiveSize the largest datagram the socket reads whole: a read transfer only ever gets ACKs
     *                    and ERRORs, and a small buffer stays in Netty's per-thread cache
     * @param local       the address the socket will bind: an IPv4 address gets a plain IPv4 socket (0.0.0.0
     *                    means every IPv4 interface, and the kernel's IPv4 path is shorter than IPv4-mapped IPv6)
     */
    private Bootstrap bootstrap(ChannelHandler handler, int receiveSize, InetAddress local) {
        return new Bootstrap().group(net.group()).channelFactory(net.datagramChannelFor(local))
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(receiveSize))
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .handler(handler);
    }

    /** Binds the request socket; on failure nothing stays bound. */
    public synchronized void start(InetSocketAddress address, boolean freeBind, ServerSettings initial)
            throws ServiceStartException {
        settings = initial;
        current = bindListener(address, freeBind);
    }

    private Listener bindListener(InetSocketAddress address, boolean freeBind) throws ServiceStartException {
        RequestHandler handler = new RequestHandler();
        Bootstrap b = bootstrap(handler, DATAGRAM_MAX, address.getAddress());
        if (freeBind) {
            if (net.datagramChannel() == EpollDatagramChannel.class) {
                b.option(EpollChannelOption.IP_FREEBIND, true);
            } else {
                log.warn("tftp.free-bind needs the Linux epoll transport; binding {} normally", Addresses.format(address));
            }
        }
        ChannelFuture f = b.bind(address).awaitUninterruptibly();
        if (!f.isSuccess()) {
            f.channel().close();
            throw new ServiceStartException(BindFailures.describe(address, "tftp.port", f.cause()), f.cause());
        }
        Listener l = new Listener(f.channel());
        handler.listener = l;
        listeners.add(l);
        log.info("tftp listening on {}", Addresses.format(l.local));
        return l;
    }

    /** New transfers use these settings; running ones keep theirs. */
    public void update(ServerSettings next) {
        settings = next;
    }

    /** Moves the request socket; the old one keeps serving its single-port transfers until they end. */
    public synchronized void rebind(InetSocketAddress address, boolean freeBind) throws ServiceStartException {
        Listener next = bindListener(address, freeBind);
        Listener old = current;
        current = next;
        old.retired = true;
        old.retireIfIdle();
    }

    public InetSocketAddress localAddress() {
        return current.local;
    }

    public int activeTransfers() {
        return live.size();
    }

    public long servedTransfers() {
        return served.get();
    }

    /** Stops taking requests, lets transfers finish for at most {@code grace}, then aborts the rest. */
    public void stop(Duration grace) {
        List<Listener> all;
        synchronized (this) {
            all = List.copyOf(listeners);
            for (Listener l : all) {
                l.retired = true;
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!live.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (TransferContext t : List.copyOf(live)) {
            Channel ch = t.channel();
            if (ch != null) {
                ch.eventLoop().submit(() -> t.abort("server shutting down")).awaitUninterruptibly(2000);
            }
        }
        for (Listener l : all) {
            l.channel.close().awaitUninterruptibly(2000);
        }
        synchronized (this) {
            listeners.clear();
        }
    }

    void finished(TransferFinished e, int blksize, int windowsize) {
        served.incrementAndGet();
        events.publish(e);
        String outcome = switch (e.outcome()) {
            case COMPLETED -> "ok";
            case REFUSED -> "refused";
            case PEER_ABORTED -> "peer-aborted";
            case TIMED_OUT -> "timed-out";
            case FAILED -> "failed";
        };
        double ms = e.elapsed().toNanos() / 1e6;
        String line = "tftp {} {} peer={} file={} mode={} options={} bytes={} ms={} rate={}MB/s retransmits={}{}{}";
        Object[] args = {e.direction() == TransferDirection.READ ? "read" : "write", outcome,
                Addresses.format(e.peer()), e.file(), e.mode(), e.options(), e.bytes(), String.format("%.1f", ms),
                String.format("%.2f", e.bytesPerSecond() / 1e6), e.retransmits(),
                e.detail().isEmpty() ? "" : " detail=\"" + e.detail() + "\"",
                e.savedAs() == null ? "" : " saved=" + e.savedAs()};
        if (e.outcome() == TransferOutcome.TIMED_OUT || e.outcome() == TransferOutcome.FAILED) {
            log.warn(line, args);
        } else if (e.outcome() == TransferOutcome.PEER_ABORTED && e.bytes() == 0) {
            // UEFI's tsize probe: ask for options, read the OACK, answer ERROR. Normal, not worth INFO.
            log.debug(line, args);
        } else {
            log.info(line, args);
        }
    }

    void closed(TransferContext t) {
        live.remove(t);
        byPeer.remove(t.record().peer(), t);
        if (!t.ownsChannel()) {
            t.listener().transfers.decrementAndGet();
            t.listener().retireIfIdle();
        }
    }

    private void refuse(Listener l, InetSocketAddress peer, Request req, Refusal r) {
        if (settings.singlePort()) {
            TransferContext.sendError(l.channel, peer, r.code(), r.message());
        } else {
            // RFC 1350 section 4: every reply to a request comes from a new TID, errors included;
            // clients such as commons-net reject an answer from the request port.
            bootstrap(new ChannelInboundHandlerAdapter(), 1024, l.local.getAddress())
                    .bind(new InetSocketAddress(l.local.getAddress(), 0)).addListener((ChannelFuture f) -> {
                        if (f.isSuccess()) {
                            f.channel().writeAndFlush(TransferContext.datagram(f.channel(),
                                    new ErrorPacket(r.code(), r.message()), peer))
                                    .addListener(w -> f.channel().close());
                        } else {
                            f.channel().close();
                        }
                    });
        }
        finished(new TransferFinished(clock.now(), events.nextTransferId(), peer, direction(req),
                Transfer.sanitize(FileNames.decode(req.filename())), req.mode().wireName(), Map.of(), 0, Duration.ZERO,
                0, TransferOutcome.REFUSED, r.reason()), 512, 1);
    }

    private static TransferDirection direction(Request r) {
        return r instanceof ReadRequest ? TransferDirection.READ : TransferDirection.WRITE;
    }

    /** Runs on the listener's event loop. */
    private void onRequest(Listener l, Request req, InetSocketAddress peer) {
        ServerSettings s = settings;
        long now = clock.nanoTime();
        TransferContext existing = byPeer.get(peer);
        if (existing != null && !existing.isClosed() && existing.request().equals(req) && !existing.hasProgressed()) {
            // The client repeated its request before our first answer reached it: the running transfer's
            // own retransmission covers it; a second transfer would only confuse the client's TID.
            return;
        }
        Admission.Decision decision = s.admission().tryAdmit(peer.getAddress(), now);
        if (decision == Admission.Decision.RATE_LIMITED) {
            log.debug("tftp request dropped: peer={} over its request rate", Addresses.format(peer));
            return;
        }
        if (decision == Admission.Decision.BUSY) {
            refuse(l, peer, req, new Refusal(0, "busy, try again later", "busy: transfer limit reached"));
            return;
        }
        if (existing != null && !existing.isClosed() && !existing.ownsChannel()) {
            // Single-port mode: the same client port starts over (U-Boot's pxe get probing names).
            TransferContext old = existing;
            old.channel().eventLoop().execute(() -> old.abort("superseded by a new request"));
        }
        boolean read = req instanceof ReadRequest;
        RequestPolicy policy = s.policy();
        FileSource source = null;
        Transfer session;
        String name;
        long expected;
        OptionNegotiation.Limits limits = s.limitsFor(peer.getAddress());
        // Firmware that asks for options and then fails on the OACK gets plain RFC 1350 (dnsmasq's
        // --tftp-no-blocksize, per client network instead of for everyone).
        Map<String, String> asked = s.optionsOff(peer.getAddress()) ? Map.of() : req.options();
        if (read) {
            Verdict<RequestPolicy.ReadGrant> v = policy.read(req.filename(), req.mode(), peer.getAddress());
            if (!v.granted()) {
                s.admission().release(peer.getAddress());
                refuse(l, peer, req, v.refusal());
                return;
            }
            source = v.value().source();
            name = v.value().name();
            expected = source.size();
            OptionNegotiation.Result r = OptionNegotiation.negotiate(asked, limits, expected, true);
            session = new BlockSender(peer, r.parameters(), expected,
                    r.needsOack() ? new OptionAck(r.oack()) : null);
            startTransfer(l, s, req, peer, session, source, name, r, expected);
        } else {
            long announced = parseSize(req.options().get("tsize"));
            Verdict<RequestPolicy.WriteGrant> v = policy.write(req.filename(), req.mode(), peer.getAddress(), announced,
                    clock.now());
            if (!v.granted()) {
                s.admission().release(peer.getAddress());
                refuse(l, peer, req, v.refusal());
                return;
            }
            name = v.value().name();
            expected = announced;
            OptionNegotiation.Result r = OptionNegotiation.negotiate(asked, limits, -1, false);
            session = new BlockReceiver(peer, r.parameters(), v.value().sink(), v.value().maxBytes(),
                    r.needsOack() ? new OptionAck(r.oack()) : new Ack(0));
            startTransfer(l, s, req, peer, session, null, name, r, expected);
        }
    }

    private void startTransfer(Listener l, ServerSettings s, Request req, InetSocketAddress peer, Transfer session,
                              FileSource source, String name, OptionNegotiation.Result r, long expected) {
        TransferRecord record = new TransferRecord(events.nextTransferId(), peer, direction(req), Transfer.sanitize(name),
                req.mode().wireName(), r.oack());
        TransferContext t = new TransferContext(this, l, record, req, session, source, s.admission(), clock,
                s.progressInterval(), s.replyPoll(), expected);
        live.add(t);
        byPeer.put(peer, t);
        if (s.singlePort()) {
            l.transfers.incrementAndGet();
            t.attach(l.channel, false);
            t.start();
            return;
        }
        bindTransferSocket(l, s, t, firstPort(s), 0);
    }

    private static int firstPort(ServerSettings s) {
        if (s.portLow() == 0) {
            return 0;
        }
        return s.portLow() + ThreadLocalRandom.current().nextInt(s.portHigh() - s.portLow() + 1);
    }

    /** Tries the configured range from a random start, one port after another, without blocking the loop. */
    private void bindTransferSocket(Listener l, ServerSettings s, TransferContext t, int port, int tried) {
        TransferHandler handler = new TransferHandler(t);
        // A write transfer reads DATA: one byte more than a block so an oversized block is seen as such.
        int receiveSize = t.record().direction() == TransferDirection.READ ? 1024 : t.blksize() + Data.HEADER + 1;
        Bootstrap b = bootstrap(handler, receiveSize, l.local.getAddress());
        if (t.record().direction() == TransferDirection.READ && net.datagramChannel() == EpollDatagramChannel.class) {
            // A read transfer waits for one ACK at a time. Level-triggered with one datagram per wakeup, the
            // loop reads that ACK and goes back to epoll_wait; edge-triggered would first read again until
            // EAGAIN, one wasted system call per block in lockstep.
            b.option(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(receiveSize).maxMessagesPerRead(1));
        }
        b.bind(new InetSocketAddress(l.local.getAddress(), port)).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                t.attach(f.channel(), true);
                t.start();
                return;
            }
            f.channel().close();
            int span = s.portLow() == 0 ? 1 : s.portHigh() - s.portLow() + 1;
            if (tried + 1 < span) {
                int next = port == s.portHigh() ? s.portLow() : port + 1;
                bindTransferSocket(l, s, t, next, tried + 1);
                return;
            }
            l.channel.eventLoop().execute(() -> {
                // No source port free: the transfer never started; give its slot back and say busy.
                t.attach(l.channel, false);
                l.transfers.incrementAndGet();
                t.abort("busy: no free transfer port");
            });
        });
    }

    private static long parseSize(String v) {
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static TftpPacket decode(DatagramPacket packet) throws MalformedPacketException {
        return TftpCodec.decode(packet.content().nioBuffer());
    }

    /** Requests on the listening port, and every packet of single-port transfers. */
    private final class RequestHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        Listener listener;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress peer = packet.sender();
            TftpPacket p;
            try {
                p = decode(packet);
            } catch (MalformedPacketException e) {
                // Dropped, not answered: an error to a forged source would make us a reflector.
                log.debug("tftp malformed packet dropped: peer={} {}", Addresses.format(peer), e.getMessage());
                return;
            }
            if (p instanceof Request req) {
                if (!listener.retired) {
                    onRequest(listener, req, peer);
                }
                return;
            }
            TransferContext t = byPeer.get(peer);
            if (t != null && !t.ownsChannel() && t.channel() == ctx.channel()) {
                t.onPacket(peer, p);
            }
            // Anything else on the request port is stray (late packets of a finished transfer): ignored.
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A UDP error (ICMP port unreachable, a full buffer) concerns one datagram, not the socket.
            log.debug("tftp listener: {}", cause.toString());
        }
    }

    /** The socket of one transfer (its TID). */
    private static final class TransferHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final TransferContext transfer;

        TransferHandler(TransferContext transfer) {
            this.transfer = transfer;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            try {
                transfer.onPacket(packet.sender(), decode(packet));
            } catch (MalformedPacketException e) {
                log.debug("tftp malformed packet dropped: peer={} {}", Addresses.format(packet.sender()), e.getMessage());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("tftp transfer socket: {}", cause.toString());
        }
    }
}
