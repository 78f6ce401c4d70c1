package org.sparetire.dhcp.it;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.sparetire.dhcp.codec.DhcpCodec;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.support.Requests;

/**
 * Sends requests whose replies go to addresses nobody answers ARP for: INFORMs with such a ciaddr
 * (answered unicast to it) and relayed DISCOVERs with such a giaddr (answered to the "relay"), alternately.
 * Run inside a namespace: {@code HostileSender SERVER PORT PREFIX COUNT RATE FROM}, where PREFIX is the first
 * two octets of the unused addresses (e.g. {@code 10.123}), RATE is datagrams per second (0: at once) and
 * FROM the local address to send from.
 * Bounded by COUNT; prints "SENT n" at the end.
 */
public final class HostileSender {
    private HostileSender() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        String prefix = args[2];
        int count = Integer.parseInt(args[3]);
        int rate = Integer.parseInt(args[4]);
        long start = System.nanoTime();
        int sent = 0;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(args[5]), 0))) {
            for (int i = 0; i < count; i++) {
                // Unused addresses in 200.0-249.255: distinct each time, so every reply needs a fresh ARP.
                String unused = prefix + "." + (200 + (i / 250) % 50) + "." + (1 + i % 250);
                String mac = String.format("02:66:00:00:%02x:%02x", (i >> 8) & 0xff, i & 0xff);
                Requests r = (i % 2 == 0 ? Requests.of(MessageType.INFORM).ciaddr(unused)
                        : Requests.of(MessageType.DISCOVER).giaddr(unused)).mac(mac).xid(0x66000000 + i).prl(1, 3, 6);
                byte[] b = DhcpCodec.encode(r.build());
                socket.send(new DatagramPacket(b, b.length, server));
                sent++;
                if (rate > 0) {
                    long due = start + TimeUnit.SECONDS.toNanos(1) * (i + 1) / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
            }
        }
        System.out.println("SENT " + sent + " in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
    }
}
