package org.sparetire.dhcp.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.sparetire.dhcp.codec.DhcpCodec;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.codec.OptionCatalog;
import org.sparetire.dhcp.support.Requests;

/**
 * Many DHCP clients with distinct MACs in one child JVM inside a client namespace: one socket on port 68,
 * broadcasts to every server on the segment, replies matched by xid. Reads commands from stdin and prints
 * what each client was told, as it was received:
 * <pre>
 * dora SECONDS MAC...        DISCOVER, take one of the OFFERs at random, REQUEST it; retried until SECONDS pass
 * reboot SECONDS MAC=IP...   INIT-REBOOT: REQUEST the address again with no server id (RFC 2131 section 4.3.2)
 * leases 0 CONFIG           what {@code sparetire dhcp leases -c CONFIG} prints: the shared store, read from here
 * </pre>
 * Output lines: {@code OFFER mac ip server}, {@code ACK mac ip server}, {@code NAK mac ip server},
 * {@code NONE mac}, and {@code DONE} after each command.
 */
public final class HaClientMain {
    private static final InetSocketAddress SERVERS = new InetSocketAddress(Requests.ip("255.255.255.255"), 67);
    private static final AtomicInteger XID = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 20) << 8);
    private static final Map<Integer, BlockingQueue<DhcpMessage>> waiting = new ConcurrentHashMap<>();
    private static DatagramSocket socket;
    private static PrintStream out;

    private HaClientMain() {
    }

    public static void main(String[] args) throws Exception {
        out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        socket = new DatagramSocket(null);
        socket.setReuseAddress(true);
        socket.setBroadcast(true);
        socket.bind(new InetSocketAddress(68));
        Thread receiver = new Thread(HaClientMain::receive, "receiver");
        receiver.setDaemon(true);
        receiver.start();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] w = line.trim().split(" ");
                if (w.length < 2) {
                    continue;
                }
                if (w[0].equals("leases")) {
                    out.print(leases(java.nio.file.Path.of(w[2])));
                    out.println("DONE");
                    continue;
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(w[1]));
                List<Future<?>> all = new ArrayList<>();
                for (int i = 2; i < w.length; i++) {
                    String arg = w[i];
                    all.add(clients.submit(() -> {
                        try {
                            if (w[0].equals("dora")) {
                                dora(arg, deadline);
                            } else {
                                String[] mi = arg.split("=");
                                reboot(mi[0], mi[1], deadline);
                            }
                        } catch (Exception e) {
                            out.println("ERROR " + arg + " " + e);
                        }
                    }));
                }
                for (Future<?> f : all) {
                    f.get();
                }
                out.println("DONE");
            }
        }
        clients.shutdownNow();
        socket.close();
    }

    private static String leases(java.nio.file.Path config) {
        try {
            var c = new org.sparetire.core.config.ConfigLoader(List.of(org.sparetire.dhcp.DhcpConfig.SECTION))
                    .load(config, org.sparetire.core.config.ConfigOverrides.none()).section(org.sparetire.dhcp.DhcpConfig.SECTION);
            return org.sparetire.dhcp.LeaseReport.render(c.leaseStore(), java.time.Instant.now(), false);
        } catch (Exception e) {
            return "ERROR leases " + e + "\n";
        }
    }

    private static void dora(String mac, long deadline) throws Exception {
        while (System.nanoTime() < deadline) {
            int xid = XID.incrementAndGet();
            BlockingQueue<DhcpMessage> replies = listen(xid);
            try {
                send(Requests.of(MessageType.DISCOVER).mac(mac).xid(xid).broadcast().build());
                List<DhcpMessage> offers = collect(replies, MessageType.OFFER, 1000, 150);
                if (offers.isEmpty()) {
                    continue;
                }
                for (DhcpMessage o : offers) {
                    out.println("OFFER " + mac + " " + o.yiaddr().getHostAddress() + " " + server(o));
                }
                DhcpMessage chosen = offers.get(ThreadLocalRandom.current().nextInt(offers.size()));
                String ip = chosen.yiaddr().getHostAddress();
                replies.clear();
                send(Requests.of(MessageType.REQUEST).mac(mac).xid(xid).broadcast().serverId(server(chosen))
                        .requested(ip).build());
                Optional<DhcpMessage> answer = answer(replies, 1500);
                if (answer.isPresent()) {
                    boolean ack = answer.get().type().orElseThrow() == MessageType.ACK;
                    out.println((ack ? "ACK " : "NAK ") + mac + " " + (ack ? answer.get().yiaddr().getHostAddress() : ip)
                            + " " + server(answer.get()));
                    if (ack) {
                        return;
                    }
                }
            } finally {
                waiting.remove(xid);
            }
        }
        out.println("NONE " + mac);
    }

    private static void reboot(String mac, String ip, long deadline) throws Exception {
        while (System.nanoTime() < deadline) {
            int xid = XID.incrementAndGet();
            BlockingQueue<DhcpMessage> replies = listen(xid);
            try {
                send(Requests.of(MessageType.REQUEST).mac(mac).xid(xid).broadcast().requested(ip).build());
                Optional<DhcpMessage> answer = answer(replies, 1000);
                if (answer.isPresent()) {
                    boolean ack = answer.get().type().orElseThrow() == MessageType.ACK;
                    out.println((ack ? "ACK " : "NAK ") + mac + " " + (ack ? answer.get().yiaddr().getHostAddress() : ip)
                            + " " + server(answer.get()));
                    return;
                }
            } finally {
                waiting.remove(xid);
            }
        }
        out.println("NONE " + mac);
    }

    private static BlockingQueue<DhcpMessage> listen(int xid) {
        BlockingQueue<DhcpMessage> q = new LinkedBlockingQueue<>();
        waiting.put(xid, q);
        return q;
    }

    /** Replies of this type: waits up to {@code firstMs} for one, then {@code moreMs} for others. */
    private static List<DhcpMessage> collect(BlockingQueue<DhcpMessage> q, MessageType type, long firstMs, long moreMs)
            throws InterruptedException {
        List<DhcpMessage> got = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(firstMs);
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return got;
            }
            DhcpMessage m = q.poll(left, TimeUnit.NANOSECONDS);
            if (m == null) {
                return got;
            }
            if (m.type().orElse(null) == type) {
                if (got.isEmpty()) {
                    end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(moreMs);
                }
                got.add(m);
            }
        }
    }

    /** The first ACK or NAK; with two servers the other one may answer too, and is ignored. */
    private static Optional<DhcpMessage> answer(BlockingQueue<DhcpMessage> q, long ms) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            DhcpMessage m = q.poll(left, TimeUnit.NANOSECONDS);
            if (m == null) {
                return Optional.empty();
            }
            MessageType t = m.type().orElse(null);
            if (t == MessageType.ACK || t == MessageType.NAK) {
                return Optional.of(m);
            }
        }
    }

    private static String server(DhcpMessage m) {
        return m.addressOption(OptionCatalog.SERVER_ID).map(InetAddress::getHostAddress).orElse("-");
    }

    private static void send(DhcpMessage m) throws Exception {
        byte[] b = DhcpCodec.encode(m);
        socket.send(new DatagramPacket(b, b.length, SERVERS));
    }

    private static void receive() {
        byte[] buf = new byte[1500];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                DhcpMessage m = DhcpCodec.decode(buf, 0, p.getLength());
                if (m.op() != DhcpMessage.BOOTREPLY) {
                    continue;
                }
                BlockingQueue<DhcpMessage> q = waiting.get(m.xid());
                if (q != null) {
                    q.add(m);
                }
            } catch (Exception e) {
                if (!socket.isClosed()) {
                    out.println("ERROR receive " + e);
                }
            }
        }
    }
}
