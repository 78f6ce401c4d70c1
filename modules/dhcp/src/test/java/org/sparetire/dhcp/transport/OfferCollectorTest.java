package org.sparetire.dhcp.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparetire.dhcp.codec.DhcpCodec;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.codec.Octets;
import org.sparetire.dhcp.codec.OptionCatalog;
import org.sparetire.dhcp.support.Requests;

/** The rogue-server probe's handler alone: answers to its DISCOVER are kept, everything else is dropped. */
class OfferCollectorTest {
    private static final int XID = 0x5eed;
    private static final InetSocketAddress OTHER = new InetSocketAddress(Requests.ip("10.63.1.1"), 67);
    private static final InetSocketAddress HERE = new InetSocketAddress(68);

    private final Map<InetAddress, RogueServerProbe.Answer> answers = new LinkedHashMap<>();
    private final EmbeddedChannel ch = new EmbeddedChannel(new RogueServerProbe.OfferCollector("lab0", XID, answers));

    private static byte[] reply(int op, int xid, MessageType type, String serverId) {
        Map<Integer, Octets> options = new LinkedHashMap<>();
        options.put(OptionCatalog.MESSAGE_TYPE, Octets.of((byte) type.code()));
        if (serverId != null) {
            options.put(OptionCatalog.SERVER_ID, Octets.of(Requests.ip(serverId).getAddress()));
        }
        return DhcpCodec.encode(new DhcpMessage(op, 1, 0, xid, 0, DhcpMessage.FLAG_BROADCAST, DhcpMessage.ZERO,
                Requests.ip("10.63.1.77"), DhcpMessage.ZERO, DhcpMessage.ZERO, Octets.parseHex("02:00:00:00:00:01"),
                "", "", options));
    }

    private void receive(byte[] bytes) {
        DatagramPacket p = new DatagramPacket(Unpooled.buffer(bytes.length).writeBytes(bytes), HERE, OTHER);
        ch.writeInbound(p);
        assertThat(p.refCnt()).isZero();
    }

    @Test
    void anOfferToThisProbeIsKeptOncePerServer() {
        receive(reply(DhcpMessage.BOOTREPLY, XID, MessageType.OFFER, "10.63.1.2"));
        receive(reply(DhcpMessage.BOOTREPLY, XID, MessageType.OFFER, "10.63.1.2"));
        assertThat(answers.values()).singleElement().satisfies(a -> {
            assertThat(a.iface()).isEqualTo("lab0");
            assertThat(a.serverId().getHostAddress()).isEqualTo("10.63.1.2");
            assertThat(a.from()).isEqualTo(OTHER);
            assertThat(a.offered().getHostAddress()).isEqualTo("10.63.1.77");
        });
        assertThat((Object) ch.readOutbound()).isNull();
    }

    @Test
    void withoutAServerIdentifierTheSenderNamesTheServer() {
        receive(reply(DhcpMessage.BOOTREPLY, XID, MessageType.OFFER, null));
        assertThat(answers.keySet()).containsExactly(OTHER.getAddress());
    }

    @Test
    void otherTrafficAndMalformedDatagramsAreDroppedWithoutException() {
        receive(reply(DhcpMessage.BOOTREPLY, XID + 1, MessageType.OFFER, "10.63.1.2"));
        receive(reply(DhcpMessage.BOOTREPLY, XID, MessageType.ACK, "10.63.1.2"));
        receive(reply(DhcpMessage.BOOTREQUEST, XID, MessageType.OFFER, "10.63.1.2"));
        receive(new byte[] {1, 2, 3});
        receive(new byte[0]);
        ch.checkException();
        assertThat(ch.isOpen()).isTrue();
        assertThat(answers).isEmpty();
        assertThat(ch.finish()).isFalse();
    }
}
