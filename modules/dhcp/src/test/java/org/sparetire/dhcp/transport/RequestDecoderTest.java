package org.sparetire.dhcp.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.sparetire.core.net.Cidr;
import org.sparetire.dhcp.LocalInterfaces;
import org.sparetire.dhcp.codec.DhcpCodec;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.codec.Octets;
import org.sparetire.dhcp.codec.OptionCatalog;
import org.sparetire.dhcp.lease.Ingress;
import org.sparetire.dhcp.policy.RequestAdmission;
import org.sparetire.dhcp.support.Requests;

/** The socket handler alone, as netty tests its codecs: datagrams in, what the service saw and what was written out. */
class RequestDecoderTest {
    private static final LocalInterfaces.Ipv4 IFACE = new LocalInterfaces.Ipv4("lab0",
            (Inet4Address) Requests.ip("10.63.0.1"), Cidr.parse("10.63.0.0/24"));
    private static final InetSocketAddress CLIENT = new InetSocketAddress(Requests.ip("10.63.0.50"), 68);
    private static final InetSocketAddress SERVER = new InetSocketAddress(IFACE.address(), 67);
    private static final InetSocketAddress BROADCAST = new InetSocketAddress(Requests.ip("255.255.255.255"), 68);

    /** Stands for the service: records each request and answers a DISCOVER with an OFFER through the endpoint. */
    private static final class Service implements DhcpTransport.RequestHandler {
        final List<DhcpMessage> requests = new ArrayList<>();
        final List<Ingress> ingresses = new ArrayList<>();
        int batches;

        @Override
        public void onRequest(DhcpMessage request, Ingress ingress, DhcpTransport.Endpoint endpoint) {
            requests.add(request);
            ingresses.add(ingress);
            if (request.type().orElse(null) == MessageType.DISCOVER) {
                endpoint.send(offer(request), 576, BROADCAST);
            }
        }

        @Override
        public void onBatchEnd() {
            batches++;
        }
    }

    private final Service service = new Service();
    private final LongAdder informsOverRate = new LongAdder();

    private EmbeddedChannel channel(boolean bootServerPort) {
        DhcpTransport.Endpoint ep = new DhcpTransport.Endpoint(IFACE, bootServerPort, new DhcpTransport.Shedding());
        return new EmbeddedChannel(new RequestDecoder(ep, false, service, new RequestAdmission(), informsOverRate));
    }

    private static DhcpMessage offer(DhcpMessage request) {
        Map<Integer, Octets> options = new LinkedHashMap<>();
        options.put(OptionCatalog.MESSAGE_TYPE, Octets.of((byte) MessageType.OFFER.code()));
        options.put(OptionCatalog.SERVER_ID, Octets.of(IFACE.address().getAddress()));
        return new DhcpMessage(DhcpMessage.BOOTREPLY, 1, 0, request.xid(), 0, DhcpMessage.FLAG_BROADCAST, DhcpMessage.ZERO,
                Requests.ip("10.63.0.60"), IFACE.address(), DhcpMessage.ZERO, request.chaddr(), "", "", options);
    }

    private static DatagramPacket datagram(byte[] bytes, InetSocketAddress from) {
        return new DatagramPacket(Unpooled.buffer(bytes.length).writeBytes(bytes), SERVER, from);
    }

    @Test
    void aDiscoverReachesTheServiceWithItsInterfaceAndTheOfferIsWrittenToBroadcast() throws Exception {
        EmbeddedChannel ch = channel(false);
        byte[] discover = DhcpCodec.encode(Requests.of(MessageType.DISCOVER).mac("52:54:00:00:00:07").xid(0x2a).build());
        DatagramPacket in = datagram(discover, CLIENT);

        ch.writeInbound(in);

        assertThat(in.refCnt()).as("the datagram is released").isZero();
        assertThat(service.requests).singleElement().satisfies(r -> {
            assertThat(r.type()).contains(MessageType.DISCOVER);
            assertThat(r.mac()).isEqualTo("52:54:00:00:00:07");
        });
        assertThat(service.ingresses).singleElement().satisfies(i -> {
            assertThat(i.interfaceName()).isEqualTo("lab0");
            assertThat(i.source()).isEqualTo(CLIENT);
            assertThat(i.bootServerPort()).isFalse();
        });
        assertThat(service.batches).as("the read burst ended once").isEqualTo(1);
        DatagramPacket out = ch.readOutbound();
        try {
            assertThat(out.recipient()).isEqualTo(BROADCAST);
            byte[] bytes = new byte[out.content().readableBytes()];
            out.content().readBytes(bytes);
            DhcpMessage reply = DhcpCodec.decode(bytes);
            assertThat(reply.op()).isEqualTo(DhcpMessage.BOOTREPLY);
            assertThat(reply.xid()).isEqualTo(0x2a);
            assertThat(reply.type()).contains(MessageType.OFFER);
            assertThat(reply.yiaddr().getHostAddress()).isEqualTo("10.63.0.60");
        } finally {
            out.release();
        }
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void malformedDatagramsAreDroppedWithoutExceptionAndTheSocketStaysOpen() {
        EmbeddedChannel ch = channel(false);
        byte[] valid = DhcpCodec.encode(Requests.of(MessageType.DISCOVER).build());
        for (byte[] bad : List.of(new byte[0], new byte[] {1, 2, 3}, Arrays.copyOf(valid, 100),
                Arrays.copyOf(valid, 239))) {
            DatagramPacket in = datagram(bad, CLIENT);
            ch.writeInbound(in);
            assertThat(in.refCnt()).isZero();
        }
        ch.checkException();
        assertThat(ch.isOpen()).isTrue();
        assertThat(service.requests).isEmpty();
        assertThat((Object) ch.readOutbound()).isNull();

        // The next well-formed request is served as usual.
        ch.writeInbound(datagram(valid, CLIENT));
        assertThat(service.requests).hasSize(1);
        DatagramPacket out = ch.readOutbound();
        assertThat(out).isNotNull();
        out.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void informsOverTheSourcesRateAreCountedAndNeverReachTheService() {
        EmbeddedChannel ch = channel(false);
        InetSocketAddress informer = new InetSocketAddress(Requests.ip("10.63.0.51"), 68);
        byte[] inform = DhcpCodec.encode(Requests.of(MessageType.INFORM).ciaddr("10.63.0.51").build());
        int sent = 40;
        for (int i = 0; i < sent; i++) {
            ch.writeInbound(datagram(inform, informer));
        }
        assertThat(service.requests.size()).isGreaterThanOrEqualTo(RequestAdmission.INFORM_BURST).isLessThan(sent);
        assertThat(informsOverRate.sum()).isEqualTo(sent - service.requests.size());
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theBootServerSocketSaysSoInTheIngress() {
        EmbeddedChannel ch = channel(true);
        ch.writeInbound(datagram(DhcpCodec.encode(Requests.of(MessageType.REQUEST).ciaddr("10.63.0.50").build()),
                new InetSocketAddress(Requests.ip("10.63.0.50"), 4011)));
        assertThat(service.ingresses).singleElement().satisfies(i -> assertThat(i.bootServerPort()).isTrue());
        assertThat((Object) ch.readOutbound()).as("no reply but the service's").isNull();
        assertThat(ch.finish()).isFalse();
    }
}
