package org.sparetire.tftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.tftp.TftpConfig;
import org.sparetire.tftp.codec.Ack;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.ErrorPacket;
import org.sparetire.tftp.codec.Mode;
import org.sparetire.tftp.codec.OptionAck;
import org.sparetire.tftp.codec.ReadRequest;
import org.sparetire.tftp.codec.TftpPacket;

/**
 * Lockstep reads on the Linux transport are served from a thread of their own that sleeps in its socket's
 * receive; windowed reads stay on the event loops. Both send the same bytes.
 */
class LockstepThreadIT {
    @TempDir
    Path dir;
    Path root;
    byte[] image;

    @BeforeEach
    void files() throws Exception {
        root = Files.createDirectories(dir.resolve("root"));
        image = new byte[1468 * 40 + 7];
        new Random(5).nextBytes(image);
        Files.write(root.resolve("image.bin"), image);
    }

    /** Threads of the lockstep pool that wait in a datagram receive now. */
    static long receivingLockstepThreads() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("sparetire-tftp-lockstep"))
                .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().endsWith("DatagramChannelImpl")
                        && f.getMethodName().equals("receive")))
                .count();
    }

    /**
     * Downloads image.bin with these options, acknowledging each window; checks the bytes. Returns how many
     * lockstep threads wait in a receive while the server waits for the ACK of block 20 (waiting a little for
     * the expected count, since the thread may still be on its way into the receive).
     */
    private long download(RunningServer s, RawPeer p, Map<String, String> options, int window, long expectedThreads)
            throws Exception {
        p.send(new ReadRequest("image.bin", Mode.OCTET, options), new InetSocketAddress("127.0.0.1", s.port()));
        TftpPacket first = p.receive();
        assertThat(first).isInstanceOf(OptionAck.class);
        InetSocketAddress tid = p.lastFrom;
        p.send(new Ack(0), tid);
        long threadsMidway = -1;
        byte[] got = new byte[image.length];
        int at = 0;
        int block = 0;
        while (true) {
            TftpPacket q = p.receiveAfter(block);
            assertThat(q).isInstanceOf(Data.class);
            Data d = (Data) q;
            if (d.block() != block + 1) {
                continue;
            }
            block = d.block();
            int n = d.payload().remaining();
            d.payload().get(got, at, n);
            at += n;
            boolean last = n < 1468;
            if (block == 20) {
                // The server has sent block 20 and waits for its ACK.
                threadsMidway = waitForReceivingThreads(expectedThreads);
            }
            if (last || block % window == 0) {
                p.send(new Ack(block), tid);
            }
            if (last) {
                break;
            }
        }
        assertThat(at).isEqualTo(image.length);
        assertThat(got).isEqualTo(image);
        return threadsMidway;
    }

    /** Threads serve lockstep reads on the epoll transport only; on NIO (Windows, macOS) the event loop does. */
    private static long lockstepThreadsOn(RunningServer s) {
        return s.context.net().name().equals("epoll") ? 1 : 0;
    }

    /** The count of receiving lockstep threads, once it is the expected one or after a bounded wait. */
    private static long waitForReceivingThreads(long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long n;
        while ((n = receivingLockstepThreads()) != expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return n;
    }

    @Test
    void lockstepReadIsServedFromAThreadOfItsOwnAndAWindowFromTheEventLoop() throws Exception {
        try (RunningServer s = new RunningServer(root, c -> c); RawPeer p = new RawPeer()) {
            long threads = lockstepThreadsOn(s);
            assertThat(download(s, p, Map.of("blksize", "1468"), 1, threads)).isEqualTo(threads);
            TransferFinished f = s.events.await(TransferFinished.class, Duration.ofSeconds(5));
            assertThat(f.outcome()).isEqualTo(TransferOutcome.COMPLETED);
            assertThat(f.bytes()).isEqualTo(image.length);
        }
        try (RunningServer s = new RunningServer(root, c -> c); RawPeer p = new RawPeer()) {
            assertThat(download(s, p, Map.of("blksize", "1468", "windowsize", "4"), 4, 0)).isZero();
        }
    }

    @Test
    void aStrangersAckForTheReadyBlockGetsErrorFiveAndTheBlockWaitsForItsPeer() throws Exception {
        try (RunningServer s = new RunningServer(root, c -> c); RawPeer p = new RawPeer();
             RawPeer stranger = new RawPeer()) {
            p.send(new ReadRequest("image.bin", Mode.OCTET), new InetSocketAddress("127.0.0.1", s.port()));
            assertThat(p.receive()).isInstanceOf(Data.class);
            InetSocketAddress tid = p.lastFrom;
            p.send(new Ack(1), tid);
            assertThat(((Data) p.receiveAfter(1)).block()).isEqualTo(2);
            // Block 3 is ready and its ACK's bytes would send it; from another port they must not.
            stranger.send(new Ack(2), tid);
            TftpPacket refusal = stranger.receive();
            assertThat(refusal).isInstanceOf(ErrorPacket.class);
            assertThat(((ErrorPacket) refusal).code()).isEqualTo(ErrorPacket.UNKNOWN_TID);
            long until = System.nanoTime() + Duration.ofMillis(300).toNanos();
            while (System.nanoTime() < until) {
                TftpPacket q = p.receiveWithin(Duration.ofMillis(50));
                assertThat(q == null || (q instanceof Data d && d.block() == 2))
                        .as("only resends of block 2 before the peer's ACK, got %s", q).isTrue();
            }
            p.send(new Ack(2), tid);
            assertThat(((Data) p.receiveAfter(2)).block()).isEqualTo(3);
        }
    }

    @Test
    void replyPollKeepsLockstepOnTheEventLoop() throws Exception {
        try (RunningServer s = new RunningServer(root, c -> c.withReplyPoll(Duration.ofMillis(1))); RawPeer p = new RawPeer()) {
            assertThat(download(s, p, Map.of("blksize", "1468"), 1, 0)).isZero();
        }
    }

    @Test
    void theTimerResendsFromTheSameSocketAndGivesUpClosingIt() throws Exception {
        try (RunningServer s = new RunningServer(root,
                c -> c.withRetransmit(Duration.ofMillis(100), 2, TftpConfig.Rollover.ZERO)); RawPeer p = new RawPeer()) {
            long threads = lockstepThreadsOn(s);
            p.send(new ReadRequest("image.bin", Mode.OCTET), new InetSocketAddress("127.0.0.1", s.port()));
            assertThat(p.receive()).isInstanceOf(Data.class);
            InetSocketAddress tid = p.lastFrom;
            assertThat(waitForReceivingThreads(threads)).isEqualTo(threads);
            assertThat(p.receive()).isInstanceOf(Data.class);
            assertThat(p.lastFrom).isEqualTo(tid);
            assertThat(p.receive()).isInstanceOf(Data.class);
            assertThat(p.receive()).isEqualTo(new ErrorPacket(0, "transfer timed out"));
            assertThat(p.lastFrom).isEqualTo(tid);
            TransferFinished f = s.events.await(TransferFinished.class, Duration.ofSeconds(5));
            assertThat(f.outcome()).isEqualTo(TransferOutcome.TIMED_OUT);
            assertThat(waitForReceivingThreads(0)).isZero();
            assertThat(s.service.activeTransfers()).isZero();
        }
    }
}
