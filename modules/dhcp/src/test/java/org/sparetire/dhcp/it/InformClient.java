package org.sparetire.dhcp.it;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import org.sparetire.dhcp.codec.DhcpCodec;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.support.Requests;

/**
 * A client that has an address asks for options with an INFORM and waits for the ACK, which comes unicast
 * to its ciaddr, on port 68: {@code InformClient SERVER PORT CIADDR MAC TIMEOUT_MS}. Prints "ACK after N ms"
 * and exits 0, or prints "NO ACK" and exits 1.
 */
public final class InformClient {
    private InformClient() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        int timeout = Integer.parseInt(args[4]);
        int xid = (int) (System.nanoTime() & 0x7fffffff);
        byte[] b = DhcpCodec.encode(Requests.of(MessageType.INFORM).ciaddr(args[2]).mac(args[3]).xid(xid).prl(1, 3, 6)
                .build());
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(args[2], 68))) {
            long t0 = System.nanoTime();
            socket.send(new DatagramPacket(b, b.length, server));
            byte[] buf = new byte[2048];
            long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(timeout);
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    break;
                }
                long received = System.nanoTime(); // before decoding: the codec's first use loads its classes
                DhcpMessage m = DhcpCodec.decode(buf, 0, p.getLength());
                if (m.xid() == xid && m.type().orElse(null) == MessageType.ACK) {
                    System.out.println("ACK after " + TimeUnit.NANOSECONDS.toMillis(received - t0) + " ms");
                    return;
                }
            }
        }
        System.out.println("NO ACK");
        System.exit(1);
    }
}
