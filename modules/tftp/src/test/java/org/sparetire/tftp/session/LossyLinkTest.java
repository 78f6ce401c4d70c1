package org.sparetire.tftp.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparetire.testkit.ManualClock;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.TftpPacket;

/**
 * A sender and a receiver joined by a link that drops, duplicates and reorders packets, on a manual
 * clock: every byte must arrive once and in order, and the stream must never blow up (SAS).
 */
class LossyLinkTest {
    static final InetSocketAddress SERVER = new InetSocketAddress("192.0.2.1", 40000);
    static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.2", 50000);

    record InFlight(boolean toReceiver, TftpPacket packet) {
    }

    @ParameterizedTest(name = "blksize={0} window={1} loss={2} dup={3}")
    @CsvSource({
        "512, 1, 0.0, 0.0",
        "512, 1, 0.1, 0.0",
        "512, 1, 0.05, 0.2",
        "100, 8, 0.1, 0.05",
        "1468, 16, 0.2, 0.1",
        "64, 64, 0.05, 0.0",
    })
    void everyByteArrivesOnceInOrder(int blksize, int window, double loss, double dup) {
        Random random = new Random(blksize * 31L + window);
        byte[] file = new byte[blksize * 150 + 17];
        random.nextBytes(file);
        ManualClock clock = new ManualClock();
        TransferParameters p = new TransferParameters(blksize, window, Duration.ofSeconds(1), false, 12, false);
        BlockSender sender = new BlockSender(CLIENT, p, file.length, null);
        MemorySink sink = new MemorySink();
        BlockReceiver receiver = new BlockReceiver(SERVER, p, sink, Long.MAX_VALUE, null);
        Deque<InFlight> link = new ArrayDeque<>();
        long[] deadlines = new long[2];
        receiver.start(clock.nanoTime());
        enqueue(link, sender.start(clock.nanoTime()), true, file, random, loss, dup, deadlines, 0);
        int delivered = 0;
        while (!(sender.isClosed() && receiver.isCompleted())) {
            if (link.isEmpty()) {
                long next = Long.MAX_VALUE;
                if (!sender.isClosed()) {
                    next = deadlines[0];
                }
                if (!receiver.isCompleted()) {
                    next = Math.min(next, deadlines[1]);
                }
                assertThat(next).as("something must be pending").isNotEqualTo(Long.MAX_VALUE);
                clock.advance(Duration.ofNanos(Math.max(0, next - clock.nanoTime())));
                enqueue(link, sender.onTimeout(clock.nanoTime()), true, file, random, loss, dup, deadlines, 0);
                enqueue(link, receiver.onTimeout(clock.nanoTime()), false, file, random, loss, dup, deadlines, 1);
                continue;
            }
            InFlight f = random.nextDouble() < 0.1 && link.size() > 1 ? link.removeLast() : link.removeFirst();
            delivered++;
            if (f.toReceiver()) {
                enqueue(link, receiver.onPacket(SERVER, f.packet(), clock.nanoTime()), false, file, random, loss, dup,
                        deadlines, 1);
            } else {
                enqueue(link, sender.onPacket(CLIENT, f.packet(), clock.nanoTime()), true, file, random, loss, dup,
                        deadlines, 0);
            }
            assertThat(delivered).as("no packet storm").isLessThan(40 * 151 * window + 10_000);
        }
        assertThat(sink.data.toByteArray()).isEqualTo(file);
        assertThat(sink.committed).isTrue();
        assertThat(sender.bytes()).isEqualTo(file.length);
    }

    private static void enqueue(Deque<InFlight> link, Step step, boolean fromSender, byte[] file, Random random,
                                double loss, double dup, long[] deadlines, int who) {
        if (step.hasDeadline()) {
            deadlines[who] = step.deadline();
        }
        for (Outgoing o : step.send()) {
            TftpPacket packet;
            if (o instanceof Outgoing.Block b) {
                packet = new Data(b.wireBlock(), ByteBuffer.wrap(file, (int) b.offset(), b.length()).slice());
            } else {
                packet = ((Outgoing.Packet) o).packet();
            }
            if (random.nextDouble() < loss) {
                continue;
            }
            link.addLast(new InFlight(fromSender, packet));
            if (random.nextDouble() < dup) {
                link.addLast(new InFlight(fromSender, packet));
            }
        }
    }
}
