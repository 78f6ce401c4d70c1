package org.sparetire.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.event.SyslogReceived;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.lifecycle.ServiceState;
import org.sparetire.testkit.EventRecorder;
import org.sparetire.testkit.FreedPorts;

/** The whole service on real loopback sockets. */
class SyslogServiceIT {
    @TempDir
    Path dir;

    @Test
    void udpMessagesAreFiledPerDeviceAndCombinedWithEvents() throws Exception {
        try (Collector c = new Collector(dir, "");
             EventRecorder events = new EventRecorder(c.context.events())) {
            assertThat(c.service.health().state()).isEqualTo(ServiceState.RUNNING);
            c.sendUdp("<189>12: *Mar  1 00:00:12.123: %SYS-5-CONFIG_I: Configured from console",
                    "<14>1 2026-11-24T05:00:00Z phone1 sip 42 REG - registered");
            List<String> lines = c.awaitLines("127.0.0.1.log", 2);
            assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z 127\\.0\\.0\\.1 "
                    + "local7\\.notice - %SYS-5-CONFIG_I Configured from console");
            assertThat(lines.get(1)).endsWith(" 127.0.0.1 user.info phone1 sip[42] registered");
            assertThat(c.awaitLines("all.log", 2)).isEqualTo(lines);
            SyslogReceived e = events.await(SyslogReceived.class, x -> "phone1".equals(x.hostname()),
                    Duration.ofSeconds(5));
            assertThat(e.sender().getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
            assertThat(c.service.recent(InetAddress.getLoopbackAddress())).hasSize(2);
        }
    }

    @Test
    void aSocketLeftAloneAfterAShortBurstStillTakesEveryLaterDatagram() throws Exception {
        // After a read that empties the socket, the event loop stops reading for up to 1 ms. Datagrams sent
        // right after, in that pause and later, must all be read when it ends.
        try (Collector c = new Collector(dir, "")) {
            c.sendUdp("<13>first");
            c.awaitLines("127.0.0.1.log", 1);
            for (int i = 0; i < 30; i++) {
                c.sendUdp("<13>single " + i);
                if (i % 3 == 0) {
                    Thread.sleep(i % 2);
                }
            }
            List<String> lines = c.awaitLines("127.0.0.1.log", 31);
            assertThat(lines).hasSize(31);
            assertThat(lines.get(30)).endsWith(" single 29");
        }
    }

    @Test
    void ipv6AndDatagramsUpTo64KiBWithTruncationMarker() throws Exception {
        try (Collector c = new Collector(dir, "bind: \"::1\"\nmax-message: 1KiB\ntruncation-marker: ' <cut>'")) {
            assertThat(c.service.health().endpoints().get(0).address().getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
            String big = "<13>" + "y".repeat(65_000);
            Collector.sendUdp(InetAddress.getByName("::1"), c.udpPort(), "<13>over v6", big);
            List<String> lines = c.awaitLines("__1.log", 2);
            assertThat(lines.get(0)).endsWith(" ::1 user.notice - - over v6");
            assertThat(lines.get(1)).endsWith("y".repeat(1020) + " <cut>");
            assertThat(c.service.counters().truncated.sum()).isEqualTo(1);
        }
    }

    @Test
    void theLargestDatagramsArriveWholeAmongSmallOnes() throws Exception {
        try (Collector c = new Collector(dir, "")) {
            String big = "<13>" + "z".repeat(65_000);
            String[] burst = new String[40];
            for (int i = 0; i < burst.length; i++) {
                burst[i] = i % 4 == 0 ? big + i : "<13>small " + i;
            }
            c.sendUdp(burst);
            List<String> lines = c.awaitLines("127.0.0.1.log", burst.length);
            for (int i = 0; i < burst.length; i++) {
                String expected = i % 4 == 0 ? "z".repeat(65_000) + i : "small " + i;
                assertThat(lines.get(i)).endsWith(" user.notice - - " + expected);
            }
            assertThat(c.service.counters().truncated.sum()).isZero();
        }
    }

    @Test
    void dualStackBindSeesIpv4SendersAsIpv4AndAppliesTheAllowlist() throws Exception {
        try (Collector c = new Collector(dir, "bind: \"::\"\nallow: [127.0.0.0/8, \"::1\"]")) {
            Collector.sendUdp(InetAddress.getByName("127.0.0.1"), c.udpPort(), "<13>over v4");
            Collector.sendUdp(InetAddress.getByName("::1"), c.udpPort(), "<13>over v6");
            assertThat(c.awaitLines("127.0.0.1.log", 1).get(0)).endsWith(" 127.0.0.1 user.notice - - over v4");
            assertThat(c.awaitLines("__1.log", 1).get(0)).endsWith(" ::1 user.notice - - over v6");
            assertThat(c.service.counters().denied.sum()).isZero();
        }
    }

    @Test
    void tcpOctetCountingAndLfConnectionsAndALyingCountClosesOnlyItsConnection() throws Exception {
        try (Collector c = new Collector(dir, "tcp: {enabled: true, port: 0, max-frame: 1KiB}");
             Socket octets = new Socket("127.0.0.1", c.tcpPort());
             Socket lines = new Socket("127.0.0.1", c.tcpPort());
             Socket liar = new Socket("127.0.0.1", c.tcpPort())) {
            OutputStream o = octets.getOutputStream();
            o.write("20 <13>1 - h a - - - x".getBytes(StandardCharsets.US_ASCII)); // one byte short: split frame
            o.flush();
            awaitReadByServer(c.tcpPort(), octets.getLocalPort()); // so the frame reaches it in two reads
            o.write("y19 <13>1 - h a - - - z".getBytes(StandardCharsets.US_ASCII));
            o.flush();
            lines.getOutputStream().write("<13>Nov 24 05:00:00 h t: lf one\n<13>Nov 24 05:00:00 h t: lf two\n"
                    .getBytes(StandardCharsets.US_ASCII));
            liar.getOutputStream().write("99999 <13>too big".getBytes(StandardCharsets.US_ASCII));
            InputStream in = liar.getInputStream();
            liar.setSoTimeout(5000);
            assertThat(in.read()).as("server closed the lying connection").isEqualTo(-1);
            List<String> filed = c.awaitLines("127.0.0.1.log", 4);
            assertThat(filed).anySatisfy(l -> assertThat(l).endsWith(" h a xy"))
                    .anySatisfy(l -> assertThat(l).endsWith(" h a z"))
                    .anySatisfy(l -> assertThat(l).endsWith(" h t lf one"))
                    .anySatisfy(l -> assertThat(l).endsWith(" h t lf two"));
            // The honest connections still work after the liar was thrown out.
            o.write("20 <13>1 - h a - - - w".getBytes(StandardCharsets.US_ASCII));
            o.write("y".getBytes(StandardCharsets.US_ASCII));
            o.flush();
            assertThat(c.awaitLines("127.0.0.1.log", 5).get(4)).endsWith(" h a wy");
            assertThat(c.service.counters().framingErrors.sum()).isEqualTo(1);
            // A sender that closes without a final LF still gets its last message filed.
            lines.getOutputStream().write("<13>Nov 24 05:00:00 h t: no newline at the end".getBytes(StandardCharsets.US_ASCII));
            lines.close();
            assertThat(c.awaitLines("127.0.0.1.log", 6).get(5)).endsWith(" h t no newline at the end");
        }
    }

    @Test
    void tcpNeverDropsWhenTheWriterFallsBehindItPushesBack() throws Exception {
        int n = 100_000;
        try (Collector c = new Collector(dir, "tcp: {enabled: true, port: 0}\nqueue: 1024");
             Socket s = new Socket("127.0.0.1", c.tcpPort())) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                String m = "<13>1 - h a - - - tcp " + i;
                sb.append(m.length()).append(' ').append(m);
            }
            s.getOutputStream().write(sb.toString().getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            List<String> lines = Collector.awaitLines(c.file("all.log"), n, Duration.ofSeconds(60));
            assertThat(lines).hasSize(n);
            for (int i = 0; i < n; i += 997) {
                assertThat(lines.get(i)).endsWith(" h a tcp " + i);
            }
            assertThat(c.service.counters().queueFull.sum()).isZero();
        }
    }

    @Test
    void tcpConnectionLimitAndIdleTimeout() throws Exception {
        try (Collector c = new Collector(dir, "tcp: {enabled: true, port: 0, max-connections: 1, idle-timeout: 1s}");
             Socket first = new Socket("127.0.0.1", c.tcpPort())) {
            first.getOutputStream().write("<13>first\n".getBytes(StandardCharsets.US_ASCII));
            c.awaitLines("127.0.0.1.log", 1);
            try (Socket second = new Socket("127.0.0.1", c.tcpPort())) {
                second.setSoTimeout(5000);
                assertThat(second.getInputStream().read()).as("over the limit").isEqualTo(-1);
            }
            assertThat(c.service.counters().connectionsRefused.sum()).isEqualTo(1);
            first.setSoTimeout(5000);
            long t0 = System.nanoTime();
            assertThat(first.getInputStream().read()).as("idle connection closed").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void allowlistAndRateLimitDropAndCount() throws Exception {
        try (Collector c = new Collector(dir, "allow: [10.0.0.0/8]")) {
            c.sendUdp("<13>not allowed");
            awaitCount(() -> c.service.counters().denied.sum(), 1);
            assertThat(c.file("127.0.0.1.log")).doesNotExist();
        }
        try (Collector c = new Collector(dir, "rate-limit: {per-sender: 1, burst: 10}")) {
            String[] burst = new String[50];
            java.util.Arrays.fill(burst, "<13>storm");
            c.sendUdp(burst);
            awaitCount(() -> c.service.counters().received.sum(), 50);
            long filed = c.service.counters().filed.sum() + c.service.counters().queueFull.sum();
            // The burst of 10 passes, plus one per second that the sending took (a loaded machine may stall).
            long passed = 50 - c.service.counters().rateLimited.sum();
            assertThat(passed).isBetween(10L, 13L);
            assertThat(c.awaitLines("127.0.0.1.log", (int) passed)).hasSize((int) passed);
            assertThat(c.service.health().detail()).contains((50 - passed) + " over the rate limit");
            assertThat(filed).isLessThanOrEqualTo(passed);
        }
    }

    private static void awaitCount(java.util.function.LongSupplier counter, long want) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (counter.getAsLong() < want && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(counter.getAsLong()).isEqualTo(want);
    }

    /**
     * Waits until the server has read everything this client sent on its connection: the connection's receive
     * queue in /proc/net/tcp (or tcp6), see proc(5), is empty.
     */
    private static void awaitReadByServer(int serverPort, int clientPort) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long unread;
        while ((unread = unreadByServer(serverPort, clientPort)) != 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(unread).as("bytes the server has not read from client port %d", clientPort).isZero();
    }

    private static long unreadByServer(int serverPort, int clientPort) throws java.io.IOException {
        String local = String.format(":%04X", serverPort);
        String remote = String.format(":%04X", clientPort);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 4 && f[1].endsWith(local) && f[2].endsWith(remote)) {
                    return Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16); // tx_queue:rx_queue
                }
            }
        }
        return -1; // no such connection
    }

    @Test
    void startFailureLeavesNothingBoundAndSaysWhy() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             ServerSocket tcpTaken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SyslogService s = new SyslogService(Collector.config(dir,
                    "udp: {port: " + taken.getLocalPort() + "}"), org.sparetire.testkit.TestServices.context());
            assertThatThrownBy(s::start).isInstanceOf(ServiceStartException.class)
                    .hasMessage("cannot bind 127.0.0.1:" + taken.getLocalPort()
                            + ": address already in use (another program serves this port: stop it or set syslog.udp.port)");
            assertThat(s.health().state()).isEqualTo(ServiceState.FAILED);
            assertThat(s.health().endpoints()).isEmpty();
            // UDP binds, then TCP fails: the UDP socket must be released.
            int freeUdp;
            try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                freeUdp = probe.getLocalPort();
            }
            SyslogService s2 = new SyslogService(Collector.config(dir, "udp: {port: " + freeUdp + "}\n"
                    + "tcp: {enabled: true, port: " + tcpTaken.getLocalPort() + "}"), org.sparetire.testkit.TestServices.context());
            assertThatThrownBy(s2::start).hasMessageContaining("syslog.tcp.port");
            try (DatagramSocket again = FreedPorts.udp(freeUdp)) {
                assertThat(again.getLocalPort()).isEqualTo(freeUdp);
            }
        }
    }

    @Test
    void reconfigureRebindsOnlyWhatChangedAndKeepsOpenTcpConnections() throws Exception {
        try (Collector c = new Collector(dir, "tcp: {enabled: true, port: 0}");
             Socket open = new Socket("127.0.0.1", c.tcpPort())) {
            int udp = c.udpPort();
            int tcp = c.tcpPort();
            // Same addresses, other settings: nothing is rebound.
            c.service.reconfigure(Collector.config(dir, "tcp: {enabled: true, port: 0}\nrate-limit: {per-sender: 1000}"));
            assertThat(c.udpPort()).isEqualTo(udp);
            assertThat(c.tcpPort()).isEqualTo(tcp);
            int newUdp;
            int newTcp;
            try (DatagramSocket p1 = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                 ServerSocket p2 = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                newUdp = p1.getLocalPort();
                newTcp = p2.getLocalPort();
            }
            c.service.reconfigure(Collector.config(dir, "udp: {port: " + newUdp + "}\ntcp: {enabled: true, port: "
                    + newTcp + "}\ndirectory: moved"));
            assertThat(c.udpPort()).isEqualTo(newUdp);
            assertThat(c.tcpPort()).isEqualTo(newTcp);
            Collector.sendUdp(InetAddress.getLoopbackAddress(), newUdp, "<13>after move");
            open.getOutputStream().write("<13>old connection still works\n".getBytes(StandardCharsets.US_ASCII));
            List<String> lines = Collector.awaitLines(dir.resolve("moved/127.0.0.1.log"), 2, Duration.ofSeconds(10));
            assertThat(lines).anySatisfy(l -> assertThat(l).endsWith("after move"))
                    .anySatisfy(l -> assertThat(l).endsWith("old connection still works"));
            // A reconfigure that cannot bind keeps the running sockets.
            try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                assertThatThrownBy(() -> c.service.reconfigure(Collector.config(dir, "udp: {port: "
                        + taken.getLocalPort() + "}\ntcp: {enabled: true, port: " + newTcp + "}")))
                        .isInstanceOf(ServiceStartException.class);
            }
            assertThat(c.udpPort()).isEqualTo(newUdp);
            c.service.reconfigure(Collector.config(dir, "udp: {port: " + newUdp + "}\ndirectory: moved"));
            assertThat(c.service.health().endpoints()).hasSize(1);
            assertThat(c.udpPort()).isEqualTo(newUdp);
        }
    }

    @Test
    void stopFilesEverythingAlreadyReceived() throws Exception {
        Collector c = new Collector(dir, "");
        String[] many = new String[2000];
        for (int i = 0; i < many.length; i++) {
            many[i] = "<13>msg " + i;
        }
        c.sendUdp(many);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (c.service.counters().received.sum() < many.length && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        c.close();
        List<String> lines = Files.readAllLines(c.file("all.log"));
        assertThat(lines).hasSize(2000);
        // Every datagram arrives intact and in order, though the receive buffer is reused per read.
        for (int i = 0; i < many.length; i++) {
            assertThat(lines.get(i)).endsWith(" user.notice - - msg " + i);
        }
        assertThat(c.service.health().state()).isEqualTo(ServiceState.TERMINATED);
    }

    @Test
    void forwardsToUdpAndTcpUpstreamsAndADownUpstreamNeverBlocksFiling() throws Exception {
        try (DatagramSocket upstreamUdp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int downPort;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                downPort = probe.getLocalPort();
            }
            try (Collector c = new Collector(dir, "forward:\n"
                    + "  - {host: 127.0.0.1, port: " + upstreamUdp.getLocalPort() + ", protocol: udp}\n"
                    + "  - {host: 127.0.0.1, port: " + downPort + ", protocol: tcp, format: raw, queue: 100}\n")) {
                c.sendUdp("<189>12: *Mar  1 00:00:12.123: %SYS-5-CONFIG_I: Configured");
                upstreamUdp.setSoTimeout(5000);
                DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                upstreamUdp.receive(p);
                String forwarded = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                assertThat(forwarded).matches("<189>1 \\d{4}-03-01T00:00:12\\.123000Z 127\\.0\\.0\\.1 %SYS-5-CONFIG_I - - - Configured");
                // The TCP upstream is down: 500 more messages are filed anyway; its queue of 100 overflows.
                String[] more = new String[500];
                java.util.Arrays.fill(more, "<13>while upstream is down");
                c.sendUdp(more);
                c.awaitLines("all.log", 501);
                assertThat(c.service.counters().forwardDropped.sum()).isGreaterThanOrEqualTo(400);
                // Now the upstream comes up: the forwarder reconnects and delivers what it queued, raw.
                try (ServerSocket up = new ServerSocket(downPort, 10, InetAddress.getLoopbackAddress())) {
                    up.setSoTimeout(10_000);
                    try (Socket s = up.accept()) {
                        s.setSoTimeout(5000);
                        byte[] head = s.getInputStream().readNBytes(100);
                        String text = new String(head, StandardCharsets.US_ASCII);
                        assertThat(text).startsWith("58 <189>12: *Mar  1 00:00:12.123: %SYS-5-CONFIG_I: Configured"
                                + "26 <13>while upstream is down");
                    }
                }
            }
        }
    }

    @Test
    void aFullDiskIsReportedOnceAndReceivingGoesOn() throws Exception {
        // all.log is /dev/full: every write fails with ENOSPC, as on a full disk; the device file still works.
        Files.createDirectories(dir.resolve("logs"));
        Files.createSymbolicLink(dir.resolve("logs/all.log"), Path.of("/dev/full"));
        try (Collector c = new Collector(dir, "");
             EventRecorder events = new EventRecorder(c.context.events())) {
            for (int i = 0; i < 3; i++) {
                c.sendUdp("<13>batch " + i);
                c.awaitLines("127.0.0.1.log", i + 1);
                awaitCount(() -> c.service.counters().diskLost.sum(), i + 1); // each batch fails on its own
            }
            org.sparetire.core.event.ServiceWarning w = events.await(org.sparetire.core.event.ServiceWarning.class,
                    Duration.ofSeconds(5));
            assertThat(w.message()).contains("all.log").contains("No space left on device").contains("disk-lost");
            assertThat(events.all(org.sparetire.core.event.ServiceWarning.class)).hasSize(1);
            assertThat(c.service.counters().diskLost.sum()).isGreaterThanOrEqualTo(2);
            assertThat(c.service.health().state()).isEqualTo(ServiceState.RUNNING);
        }
    }

    @Test
    void disabledServiceBindsNothing() throws Exception {
        try (Collector c = new Collector(dir, "enabled: false")) {
            assertThat(c.service.health().endpoints()).isEmpty();
            assertThat(c.service.health().state()).isEqualTo(ServiceState.RUNNING);
        }
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
}
