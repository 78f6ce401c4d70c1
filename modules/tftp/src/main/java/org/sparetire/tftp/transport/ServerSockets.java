package org.sparetire.tftp.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.event.TransferDirection;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.BindFailures;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.ErrorPacket;
import org.sparetire.tftp.policy.Refusal;

/**
 * The server's UDP sockets: the request socket, one socket per transfer from the configured port range,
 * and a throwaway one for a refusal. Binding a transfer's socket never blocks the event loop.
 */
final class ServerSockets {
    private static final Logger log = LoggerFactory.getLogger("org.sparetire.tftp");
    /** The largest UDP payload: a DATA of 65464 bytes plus header must never be truncated on receive. */
    private static final int DATAGRAM_MAX = 65536;
    private static final int SOCKET_BUFFER = 4 << 20;

    private final NetRuntime net;

    ServerSockets(NetRuntime net) {
        this.net = net;
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

    /** Binds a request socket; on failure nothing stays bound. */
    RequestSocket bindRequests(InetSocketAddress address, boolean freeBind, RequestHandler handler)
            throws ServiceStartException {
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
        RequestSocket socket = new RequestSocket(f.channel());
        handler.serve(socket);
        log.info("tftp listening on {}", Addresses.format(socket.local));
        return socket;
    }

    /**
     * Sends a refusal from a new port: RFC 1350 section 4, every reply to a request comes from a new TID,
     * errors included; clients such as commons-net reject an answer from the request port.
     */
    void refuseFromNewPort(RequestSocket requests, InetSocketAddress peer, Refusal r) {
        InetAddress local = requests.local.getAddress();
        bootstrap(new ChannelInboundHandlerAdapter(), 1024, local)
                .bind(new InetSocketAddress(local, 0)).addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        f.channel().writeAndFlush(TransferSender.datagram(f.channel(),
                                        new ErrorPacket(r.code(), r.message()), peer))
                                .addListener(w -> f.channel().close());
                    } else {
                        f.channel().close();
                    }
                });
    }

    /** Binds the transfer's own socket from the plan's port range, then starts it. */
    void bindTransfer(RequestSocket requests, TransferContext t, ServerSettings s) {
        int port = s.portLow() == 0 ? 0 : s.portLow() + ThreadLocalRandom.current().nextInt(s.portHigh() - s.portLow() + 1);
        bindTransfer(requests, t, s, port, 0);
    }

    /** Tries the configured range from a random start, one port after another, without blocking the loop. */
    private void bindTransfer(RequestSocket requests, TransferContext t, ServerSettings s, int port, int tried) {
        TransferHandler handler = new TransferHandler(t);
        boolean read = t.record().direction() == TransferDirection.READ;
        // A write transfer reads DATA: one byte more than a block so an oversized block is seen as such.
        int receiveSize = read ? 1024 : t.blksize() + Data.HEADER + 1;
        Bootstrap b = bootstrap(handler, receiveSize, requests.local.getAddress());
        if (read && net.datagramChannel() == EpollDatagramChannel.class) {
            // A read transfer waits for one ACK at a time. Level-triggered with one datagram per wakeup, the
            // loop reads that ACK and goes back to epoll_wait; edge-triggered would first read again until
            // EAGAIN, one wasted system call per block in lockstep.
            b.option(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(receiveSize).maxMessagesPerRead(1));
        }
        b.bind(new InetSocketAddress(requests.local.getAddress(), port)).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                t.attach(f.channel());
                t.start();
                return;
            }
            f.channel().close();
            int span = s.portLow() == 0 ? 1 : s.portHigh() - s.portLow() + 1;
            if (tried + 1 < span) {
                int next = port == s.portHigh() ? s.portLow() : port + 1;
                bindTransfer(requests, t, s, next, tried + 1);
                return;
            }
            requests.channel.eventLoop().execute(() -> {
                // No source port free: the transfer never started; give its slot back and say busy.
                t.attach(requests.channel, requests);
                requests.transferStarted();
                t.abort("busy: no free transfer port");
            });
        });
    }
}
