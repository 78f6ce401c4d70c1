package org.sparetire.app.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.sparetire.dhcp.codec.DhcpCodec;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.MalformedPacketException;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.codec.OptionCatalog;
import org.sparetire.dhcp.codec.Octets;

/**
 * New DHCP clients at a steady rate, each one DISCOVER, OFFER, REQUEST, ACK, broadcast as real clients
 * do; run inside a test's network namespace ({@code ip netns exec}). Writes one line per client with
 * {@link System#nanoTime()} stamps, which on Linux is CLOCK_MONOTONIC and so comparable with the test
 * JVM's: {@code mac discoverNs offerNs ackNs address} (0 for a reply that never came).
 *
 * <p>Usage: {@code DhcpLoadClient OUT COUNT PER_SECOND MAC_PREFIX SERVER_PORT CLIENT_PORT WARMUP} (MAC_PREFIX:
 * four octets, e.g. 02:21:00:01). The first WARMUP clients warm both JVMs up: once they all have their
 * ACK, {@code OUT.measuring} gets the time at which the measured clients begin.
 */
public final class DhcpLoadClient {
    /** Replies stopped this long after the last DISCOVER left: the rest are not coming. */
    private static final long LAST_REPLY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final class Client {
        final String mac;
        final int xid;
        long discover;
        long offer;
        long ack;
        String address = "-";

        Client(String mac, int xid) {
            this.mac = mac;
            this.xid = xid;
        }
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        double perSecond = Double.parseDouble(args[2]);
        String prefix = args[3];
        int serverPort = Integer.parseInt(args[4]);
        int clientPort = Integer.parseInt(args[5]);
        int warmup = Integer.parseInt(args[6]);
        Map<Integer, Client> byXid = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String mac = prefix + String.format(":%02x:%02x", (i >> 8) & 0xff, i & 0xff);
            byXid.put(0x5a000000 + i, new Client(mac, 0x5a000000 + i));
        }
        try (DatagramSocket socket = new DatagramSocket(null)) {
            socket.setReuseAddress(true);
            socket.setBroadcast(true);
            socket.setReceiveBufferSize(1 << 20);
            socket.bind(new InetSocketAddress(clientPort));
            InetSocketAddress server = new InetSocketAddress(InetAddress.getByName("255.255.255.255"), serverPort);
            Thread receiver = new Thread(() -> receive(socket, server, byXid, count), "dhcp-load-receiver");
            receiver.start();
            long start = System.nanoTime();
            long gap = (long) (1e9 / perSecond);
            int i = 0;
            List<Client> clients = new ArrayList<>(byXid.values());
            for (Client c : clients) {
                if (i == warmup) {
                    awaitAcks(clients.subList(0, warmup), TimeUnit.SECONDS.toNanos(10));
                    start = System.nanoTime();
                    Files.writeString(Path.of(out + ".measuring"), Long.toString(start));
                }
                long due = start + (i - (i >= warmup ? warmup : 0)) * gap;
                i++;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.sleep(Math.min(wait, 1_000_000));
                }
                byte[] discover = DhcpCodec.encode(request(MessageType.DISCOVER, c, null, null));
                synchronized (c) {
                    c.discover = System.nanoTime();
                }
                socket.send(new DatagramPacket(discover, discover.length, server));
            }
            receiver.join(TimeUnit.NANOSECONDS.toMillis(LAST_REPLY_WAIT_NANOS) + 1000);
            socket.close();
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            for (Client c : byXid.values()) {
                synchronized (c) {
                    w.println(c.mac + " " + c.discover + " " + c.offer + " " + c.ack + " " + c.address);
                }
            }
        }
    }

    /** Answers each OFFER with a REQUEST at once, and stops when every client has its ACK or replies stop. */
    private static void receive(DatagramSocket socket, InetSocketAddress server, Map<Integer, Client> byXid, int count) {
        byte[] buf = new byte[1500];
        int acked = 0;
        try {
            socket.setSoTimeout(100);
            long lastReply = System.nanoTime();
            while (acked < count) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    if (System.nanoTime() - lastReply > LAST_REPLY_WAIT_NANOS && allSent(byXid)) {
                        return;
                    }
                    continue;
                }
                long now = System.nanoTime();
                DhcpMessage m;
                try {
                    m = DhcpCodec.decode(buf, 0, p.getLength());
                } catch (MalformedPacketException e) {
                    continue;
                }
                Client c = byXid.get(m.xid());
                if (c == null || m.op() != DhcpMessage.BOOTREPLY) {
                    continue; // our own broadcast requests come back too
                }
                lastReply = now;
                MessageType type = m.type().orElse(null);
                if (type == MessageType.OFFER) {
                    synchronized (c) {
                        if (c.offer != 0) {
                            continue;
                        }
                        c.offer = now;
                    }
                    byte[] req = DhcpCodec.encode(request(MessageType.REQUEST, c, m.yiaddr(),
                            m.option(OptionCatalog.SERVER_ID).orElse(null)));
                    socket.send(new DatagramPacket(req, req.length, server));
                } else if (type == MessageType.ACK) {
                    synchronized (c) {
                        if (c.ack == 0) {
                            c.ack = now;
                            c.address = m.yiaddr().getHostAddress();
                            acked++;
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the socket closed: the main thread gave up waiting
        }
    }

    private static void awaitAcks(List<Client> clients, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        for (Client c : clients) {
            while (System.nanoTime() < deadline) {
                synchronized (c) {
                    if (c.ack != 0) {
                        break;
                    }
                }
                TimeUnit.MILLISECONDS.sleep(5);
            }
        }
    }

    private static boolean allSent(Map<Integer, Client> byXid) {
        for (Client c : byXid.values()) {
            synchronized (c) {
                if (c.discover == 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static DhcpMessage request(MessageType type, Client c, InetAddress requested, Octets serverId) {
        Map<Integer, Octets> options = new LinkedHashMap<>();
        options.put(OptionCatalog.MESSAGE_TYPE, Octets.of((byte) type.code()));
        if (requested != null) {
            options.put(OptionCatalog.REQUESTED_ADDRESS, Octets.of(requested.getAddress()));
        }
        if (serverId != null) {
            options.put(OptionCatalog.SERVER_ID, serverId);
        }
        return new DhcpMessage(DhcpMessage.BOOTREQUEST, 1, 0, c.xid, 0, DhcpMessage.FLAG_BROADCAST, DhcpMessage.ZERO,
                DhcpMessage.ZERO, DhcpMessage.ZERO, DhcpMessage.ZERO, Octets.parseHex(c.mac), "", "", options);
    }
}
