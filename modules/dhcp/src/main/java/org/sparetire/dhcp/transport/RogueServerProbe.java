package org.sparetire.dhcp.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.dhcp.LocalInterfaces;
import org.sparetire.dhcp.codec.DhcpCodec;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.MalformedPacketException;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.codec.OptionCatalog;
import org.sparetire.dhcp.codec.Octets;

/**
 * Before serving, asks each interface "is anyone else a DHCP server here?": one broadcast DISCOVER (with
 * the broadcast flag, so any OFFER comes back to us without an address), then listens for a short while.
 * The socket is tied to the interface like the server's, so the question never leaves by another one.
 */
public final class RogueServerProbe {
    private static final Logger log = LoggerFactory.getLogger(RogueServerProbe.class);

    /** One other server: its identifier (option 54) and where the offer came from. */
    public record Answer(String iface, InetAddress serverId, InetSocketAddress from, InetAddress offered) {
    }

    private final DhcpTransport transport;

    /** Keeps each OFFER that answers this probe's DISCOVER (same xid), once per server; drops the rest. */
    static final class OfferCollector extends SimpleChannelInboundHandler<DatagramPacket> {
        private final String iface;
        private final int xid;
        private final Map<InetAddress, Answer> answers;

        OfferCollector(String iface, int xid, Map<InetAddress, Answer> answers) {
            this.iface = iface;
            this.xid = xid;
            this.answers = answers;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
            ByteBuf c = p.content();
            byte[] bytes = new byte[c.readableBytes()];
            c.getBytes(c.readerIndex(), bytes);
            try {
                DhcpMessage m = DhcpCodec.decode(bytes);
                log.debug("dhcp probe on {}: {} from {} xid={}", iface, m.type().orElse(null), p.sender(),
                        Integer.toHexString(m.xid()));
                if (m.op() == DhcpMessage.BOOTREPLY && m.xid() == xid && m.type().orElse(null) == MessageType.OFFER) {
                    InetAddress id = m.addressOption(OptionCatalog.SERVER_ID).orElse(p.sender().getAddress());
                    synchronized (answers) {
                        answers.putIfAbsent(id, new Answer(iface, id, p.sender(), m.yiaddr()));
                    }
                }
            } catch (MalformedPacketException e) {
                log.debug("dhcp probe on {}: ignoring malformed reply from {}", iface, p.sender());
            }
        }
    }

    public RogueServerProbe(DhcpTransport transport) {
        this.transport = transport;
    }

    /**
     * Probes every interface at once and waits {@code wait} once: dnsmasq pings an address for up to 3 s
     * before its first offer to a new client, ISC dhcpd for 1 s, so the wait must be longer than that.
     *
     * @param clientPort where offers come back (68)
     * @param serverPort where servers listen (67)
     * @return every distinct server that answered; empty when none did or a probe could not run
     */
    public List<Answer> probe(List<LocalInterfaces.Ipv4> ifaces, int clientPort, int serverPort, Duration wait) {
        Map<InetAddress, Answer> answers = new LinkedHashMap<>();
        List<Channel> open = new ArrayList<>();
        try {
            for (LocalInterfaces.Ipv4 iface : ifaces) {
                Channel ch = ask(iface, clientPort, serverPort, answers);
                if (ch != null) {
                    open.add(ch);
                }
            }
            if (!open.isEmpty()) {
                Thread.sleep(wait.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.forEach(ch -> ch.close().awaitUninterruptibly());
        }
        synchronized (answers) {
            return new ArrayList<>(answers.values());
        }
    }

    private Channel ask(LocalInterfaces.Ipv4 iface, int clientPort, int serverPort, Map<InetAddress, Answer> answers) {
        int xid = ThreadLocalRandom.current().nextInt();
        byte[] mac = new byte[6];
        ThreadLocalRandom.current().nextBytes(mac);
        mac[0] = (byte) ((mac[0] & 0xfc) | 0x02); // locally administered, unicast: never a real NIC's address
        Bootstrap b = transport.deviceBootstrap(iface.name()).handler(new OfferCollector(iface.name(), xid, answers));
        ChannelFuture bound = b.bind(new InetSocketAddress(clientPort)).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            log.warn("dhcp probe on {}: cannot listen on port {} ({}); not checking for other DHCP servers", iface.name(),
                    clientPort, bound.cause().toString());
            return null;
        }
        Channel ch = bound.channel();
        Map<Integer, Octets> options = new LinkedHashMap<>();
        options.put(OptionCatalog.MESSAGE_TYPE, Octets.of((byte) MessageType.DISCOVER.code()));
        options.put(OptionCatalog.PARAMETER_REQUEST_LIST, Octets.of((byte) 1, (byte) 3, (byte) 54));
        DhcpMessage discover = new DhcpMessage(DhcpMessage.BOOTREQUEST, 1, 0, xid, 0, DhcpMessage.FLAG_BROADCAST,
                DhcpMessage.ZERO, DhcpMessage.ZERO, DhcpMessage.ZERO, DhcpMessage.ZERO, Octets.of(mac), "", "", options);
        InetSocketAddress to = new InetSocketAddress(DhcpMessage.ipv4(255, 255, 255, 255), serverPort);
        var sent = ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(DhcpCodec.encode(discover)), to))
                .awaitUninterruptibly();
        log.debug("dhcp probe on {}: DISCOVER xid={} sent={}", iface.name(), Integer.toHexString(xid), sent.isSuccess());
        return ch;
    }
}
