package org.sparetire.dhcp.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sparetire.core.net.Cidr;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.dhcp.LocalInterfaces;
import org.sparetire.dhcp.codec.DhcpCodec;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.lease.Ingress;
import org.sparetire.dhcp.support.Requests;

/**
 * The Windows placement (a socket bound to the interface's own address) on the NIO transport, run here on
 * the loopback interface: a request reaches the handler with its interface, and a reply sent through the
 * endpoint reaches the client. Whether Windows hands this socket the interface's broadcasts is the
 * operating system's part and is not tested here.
 */
class AddressPlacementIT {
    @Test
    void aSocketBoundToTheInterfaceAddressServesOnNio() throws Exception {
        NetRuntime nio = NetRuntime.create("nio", 1);
        DhcpTransport.Endpoint endpoint = null;
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            client.setSoTimeout(5000);
            DhcpTransport transport = new DhcpTransport(nio);
            LocalInterfaces.Ipv4 lo = new LocalInterfaces.Ipv4("lo", (Inet4Address) InetAddress.getByName("127.0.0.1"),
                    Cidr.parse("127.0.0.0/8"));
            BlockingQueue<Object[]> requests = new LinkedBlockingQueue<>();
            endpoint = transport.bind(SocketPlacement.ADDRESS, lo, 0, false, "dhcp.port", new DhcpTransport.RequestHandler() {
                @Override
                public void onRequest(DhcpMessage request, Ingress ingress, DhcpTransport.Endpoint from) {
                    requests.add(new Object[] {request, ingress, from});
                }

                @Override
                public void onBatchEnd() {
                }
            });
            assertThat(endpoint.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");

            byte[] discover = DhcpCodec.encode(Requests.of(MessageType.DISCOVER).xid(0x2424).build());
            client.send(new DatagramPacket(discover, discover.length, new InetSocketAddress("127.0.0.1", endpoint.port())));
            Object[] got = requests.poll(5, TimeUnit.SECONDS);
            assertThat(got).as("request delivered to the address-bound socket").isNotNull();
            assertThat(((DhcpMessage) got[0]).xid()).isEqualTo(0x2424);
            assertThat(((Ingress) got[1]).interfaceName()).isEqualTo("lo");

            DhcpMessage reply = Requests.of(MessageType.OFFER).xid(0x2424).build();
            ((DhcpTransport.Endpoint) got[2]).send(reply, 576, new InetSocketAddress("127.0.0.1", client.getLocalPort()));
            DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
            client.receive(in);
            assertThat(in.getPort()).isEqualTo(endpoint.port());
            byte[] bytes = java.util.Arrays.copyOf(in.getData(), in.getLength());
            assertThat(DhcpCodec.decode(bytes).xid()).isEqualTo(0x2424);
        } finally {
            if (endpoint != null) {
                endpoint.close();
            }
            nio.close();
        }
    }
}
