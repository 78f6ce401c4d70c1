package org.sparetire.syslog.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.event.SyslogReceived;
import org.sparetire.core.time.Clock;
import org.sparetire.syslog.SyslogConfig.DeviceFiles;
import org.sparetire.syslog.SyslogConfig;
import org.sparetire.syslog.policy.RotationPolicy;
import org.sparetire.syslog.store.DropBehind;
import org.sparetire.syslog.store.LogStore;
import org.sparetire.syslog.store.Received;
import org.sparetire.syslog.store.RecentMessages;
import org.sparetire.syslog.store.SyslogCounters;
import org.sparetire.testkit.EventRecorder;

class StoreWriterTest {
    @TempDir
    Path dir;

    @Test
    void filesPublishesKeepsRecentAndFlushesOnStop() throws Exception {
        SyslogCounters counters = new SyslogCounters();
        EventBus bus = new EventBus();
        RecentMessages recent = new RecentMessages(3, 10);
        LogStore store = new LogStore(dir, DeviceFiles.ADDRESS, true, new RotationPolicy(0, Duration.ZERO, 1),
                Clock.system(), LogStore.FILES, DropBehind.forLogFiles(), new LogStore.Trouble() {
                    public void writeFailed(Path f, java.io.IOException e) { }
                    public void writeRecovered(Path f) { }
                }, counters);
        DatagramQueues udpQueues = new DatagramQueues(100_000);
        StoreWriter writer = new StoreWriter(100_000, store, " [cut]", counters, bus, recent, udpQueues, null);
        SyslogConfig config = SyslogConfig.defaults();
        Intake intake = new Intake(new SyslogConfig(true, config.bind(), config.udp(), config.tcp(), config.allow(),
                config.rateLimit(), 480, " [cut]", dir, config.files(), 1024, 3, List.of()), Clock.system(), counters,
                writer, udpQueues);
        DatagramQueue queue = intake.openQueue();
        InetSocketAddress phone = new InetSocketAddress("192.0.2.50", 514);
        try (EventRecorder events = new EventRecorder(bus)) {
            writer.start();
            byte[] first = "<14>Nov 24 05:00:00 phone1 sip: hello".getBytes(StandardCharsets.US_ASCII);
            send(intake, queue, phone, first, Instant.now());
            SyslogReceived e = events.await(SyslogReceived.class, Duration.ofSeconds(5));
            assertThat(e.hostname()).isEqualTo("phone1");
            assertThat(e.app()).isEqualTo("sip");
            assertThat(e.severity()).isEqualTo(6);
            // Flushed soon after arriving (within 100 ms when idle), though nothing else happened.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!Files.exists(dir.resolve("192.0.2.50.log")) || Files.size(dir.resolve("192.0.2.50.log")) == 0) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(10);
            }
            byte[] big = ("<14>" + "x".repeat(1000)).getBytes(StandardCharsets.US_ASCII);
            Instant at = Instant.parse("2026-11-24T05:00:00.123Z");
            for (int i = 0; i < 20_000; i++) {
                send(intake, queue, phone, big, at);
            }
            writer.stop(Duration.ofSeconds(30));
            assertThat(queue.pending()).as("stopping files what the queue holds").isZero();
        }
        List<String> lines = Files.readAllLines(dir.resolve("192.0.2.50.log"));
        assertThat(lines).hasSize(20_001);
        assertThat(lines.get(1)).isEqualTo("2026-11-24T05:00:00.123Z 192.0.2.50 user.info - - " + "x".repeat(476) + " [cut]");
        assertThat(lines.get(20_000)).isEqualTo(lines.get(1));
        assertThat(counters.truncated.sum()).isEqualTo(20_000);
        assertThat(counters.filed.sum()).isEqualTo(20_001);
        assertThat(recent.of(phone.getAddress())).hasSize(3);
    }

    /**
     * As the UDP socket hands a datagram over: admitted, copied into its queue, parsed by the writer. This sender
     * waits while the queue is full (the socket would count a drop instead), so every datagram must be filed.
     */
    private static void send(Intake intake, DatagramQueue queue, InetSocketAddress from, byte[] datagram, Instant at) {
        int kept = intake.admitDatagram(from, datagram.length);
        int offset;
        while ((offset = queue.reserve(at, from, kept, kept < datagram.length)) < 0) {
            Thread.onSpinWait();
        }
        System.arraycopy(datagram, 0, queue.array(), offset, kept);
        queue.commit();
    }

    @Test
    void tcpStopsAtItsShareOfTheQueueWhateverUdpHasWaiting() throws Exception {
        SyslogCounters counters = new SyslogCounters();
        LogStore store = new LogStore(dir, DeviceFiles.ADDRESS, true, new RotationPolicy(0, Duration.ZERO, 1),
                Clock.system(), LogStore.FILES, DropBehind.forLogFiles(), new LogStore.Trouble() {
                    public void writeFailed(Path f, java.io.IOException e) { }
                    public void writeRecovered(Path f) { }
                }, counters);
        // Not started: nothing leaves the queues while we fill them.
        DatagramQueues udpQueues = new DatagramQueues(100_000);
        StoreWriter writer = new StoreWriter(100_000, store, " [cut]", counters, new EventBus(),
                new RecentMessages(3, 10), udpQueues, null);
        InetSocketAddress switch1 = new InetSocketAddress("192.0.2.60", 514);
        byte[] line = "<14>Nov 24 05:00:00 sw1 boot: ok".getBytes(StandardCharsets.US_ASCII);
        Received r = new Received(Instant.EPOCH, switch1, "tcp",
                org.sparetire.syslog.codec.SyslogParser.parse(line, 0, line.length, Instant.EPOCH), line, false);
        DatagramQueue udp = udpQueues.open();
        for (int i = 0; i < 50_000; i++) {
            int offset = udp.reserve(Instant.EPOCH, switch1, line.length, false);
            System.arraycopy(line, 0, udp.array(), offset, line.length);
            udp.commit();
        }
        assertThat(writer.queued()).isEqualTo(50_000);
        assertThat(writer.streamRoom()).as("UDP has its own queue").isEqualTo(StoreWriter.STREAM_QUEUE_LIMIT);
        writer.put(java.util.Collections.nCopies(StoreWriter.STREAM_QUEUE_LIMIT - 10, r));
        assertThat(writer.streamRoom()).isEqualTo(10);
        writer.put(java.util.Collections.nCopies(10, r));
        assertThat(writer.streamRoom()).isZero();
        assertThat(writer.queued()).isEqualTo(50_000 + StoreWriter.STREAM_QUEUE_LIMIT);
        assertThat(udp.reserve(Instant.EPOCH, switch1, line.length, false)).as("and it still takes more").isNotNegative();

        StoreWriter small = new StoreWriter(1024, store, " [cut]", counters, new EventBus(), new RecentMessages(3, 10),
                new DatagramQueues(1024), null);
        assertThat(small.streamRoom()).as("a queue smaller than the share is all TCP's").isEqualTo(1024);
        store.close();
    }
}
