package org.sparetire.dhcp.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.dhcp.LocalInterfaces;
import org.sparetire.dhcp.codec.DhcpCodec;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.MalformedPacketException;
import org.sparetire.dhcp.lease.Ingress;
import org.sparetire.dhcp.policy.RequestAdmission;

/**
 * One socket's inbound handler: decodes each datagram, admits it (INFORMs over a source's rate are
 * dropped and counted) and hands it to the service with the interface it came in on; at the end of a
 * read burst the service hears "batch end". Malformed datagrams are dropped with one debug line and the
 * socket stays open.
 */
final class RequestDecoder extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger log = LoggerFactory.getLogger(DhcpTransport.class);

    private final DhcpTransport.Endpoint endpoint;
    private final boolean unicast;
    private final DhcpTransport.RequestHandler handler;
    private final RequestAdmission admission;
    private final LongAdder informsOverRate;

    RequestDecoder(DhcpTransport.Endpoint endpoint, boolean unicast, DhcpTransport.RequestHandler handler,
                   RequestAdmission admission, LongAdder informsOverRate) {
        this.endpoint = endpoint;
        this.unicast = unicast;
        this.handler = handler;
        this.admission = admission;
        this.informsOverRate = informsOverRate;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Before the first read: replies to what this socket reads can go out from here on.
        endpoint.attach(ctx.channel(), unicast);
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf content = packet.content();
        byte[] bytes = new byte[content.readableBytes()];
        content.getBytes(content.readerIndex(), bytes);
        LocalInterfaces.Ipv4 iface = endpoint.iface();
        DhcpMessage msg;
        try {
            msg = DhcpCodec.decode(bytes);
        } catch (MalformedPacketException e) {
            log.debug("dhcp drop malformed iface={} peer={} bytes={}: {}", iface.name(), packet.sender(), bytes.length,
                    e.getMessage());
            return;
        }
        RequestAdmission.Verdict v = admission.admit(msg, packet.sender().getAddress(), System.nanoTime());
        if (v != RequestAdmission.Verdict.ADMIT) {
            informsOverRate.increment();
            if (v == RequestAdmission.Verdict.INFORM_RATE_FIRST) {
                log.debug("dhcp drop iface={} peer={}: INFORMs over {} a second from this source", iface.name(),
                        packet.sender(), RequestAdmission.INFORMS_PER_SECOND);
            }
            return;
        }
        handler.onRequest(msg, new Ingress(iface.name(), iface.address(), iface.network(), packet.sender(),
                endpoint.bootServerPort()), endpoint);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        handler.onBatchEnd();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // One line, and the socket stays open: the next client deserves an answer (netty QOTM example).
        log.warn("dhcp socket on {}: {}", endpoint.iface().name(), cause.toString());
    }
}
