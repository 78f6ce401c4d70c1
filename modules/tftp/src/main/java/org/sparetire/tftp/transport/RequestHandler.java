package org.sparetire.tftp.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.net.Addresses;
import org.sparetire.tftp.codec.MalformedPacketException;
import org.sparetire.tftp.codec.Request;
import org.sparetire.tftp.codec.TftpPacket;

/** Requests on the listening port, and every packet of single-port transfers. */
final class RequestHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger log = LoggerFactory.getLogger("org.sparetire.tftp");

    /** Where requests go; runs on the request socket's event loop. */
    interface Requests {
        void onRequest(RequestSocket socket, Request request, InetSocketAddress peer);
    }

    private final Requests requests;
    private final LiveTransfers transfers;
    private RequestSocket socket;

    RequestHandler(Requests requests, LiveTransfers transfers) {
        this.requests = requests;
        this.transfers = transfers;
    }

    /** The socket this handler serves, once bound. */
    void serve(RequestSocket socket) {
        this.socket = socket;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress peer = packet.sender();
        TftpPacket p;
        try {
            p = TransferHandler.decode(packet);
        } catch (MalformedPacketException e) {
            // Dropped, not answered: an error to a forged source would make us a reflector.
            log.debug("tftp malformed packet dropped: peer={} {}", Addresses.format(peer), e.getMessage());
            return;
        }
        if (p instanceof Request req) {
            if (!socket.retired()) {
                requests.onRequest(socket, req, peer);
            }
            return;
        }
        TransferContext t = transfers.byPeer(peer);
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
