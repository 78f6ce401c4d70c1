package org.sparetire.syslog.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DatagramQueueTest {
    private static final Instant T0 = Instant.parse("2026-11-24T05:00:00.123456789Z");

    private record Datagram(Instant at, InetSocketAddress sender, byte[] payload, boolean truncated) {
    }

    private static boolean put(DatagramQueue queue, Datagram d) {
        int offset = queue.reserve(d.at, d.sender, d.payload.length, d.truncated);
        if (offset < 0) {
            return false;
        }
        System.arraycopy(d.payload, 0, queue.array(), offset, d.payload.length);
        queue.commit();
        return true;
    }

    private static List<Datagram> take(DatagramQueue queue, int max) {
        List<Datagram> out = new ArrayList<>();
        queue.drain(max, (at, sender, data, offset, length, truncated) ->
                out.add(new Datagram(at, sender, Arrays.copyOfRange(data, offset, offset + length), truncated)));
        return out;
    }

    private static void assertSame(Datagram got, Datagram want) {
        assertThat(got.at).isEqualTo(want.at);
        assertThat(got.sender).isEqualTo(want.sender);
        assertThat(got.payload).isEqualTo(want.payload);
        assertThat(got.truncated).isEqualTo(want.truncated);
    }

    @Test
    void keepsSenderReceiveTimeTruncationAndBytes() throws Exception {
        DatagramQueue queue = new DatagramQueue(1 << 20, 1000);
        InetSocketAddress v6 = new InetSocketAddress(
                Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3), 40000);
        List<Datagram> sent = List.of(
                new Datagram(T0, new InetSocketAddress("192.0.2.10", 514), bytes("<13>first"), false),
                new Datagram(T0, new InetSocketAddress("192.0.2.10", 514), bytes("<13>same sender"), false),
                new Datagram(T0.plusMillis(1), new InetSocketAddress("192.0.2.10", 515), bytes("<13>other port"), true),
                new Datagram(T0.plusSeconds(1), v6, bytes("<13>link-local with its scope"), false),
                new Datagram(T0.plusSeconds(1), new InetSocketAddress("2001:db8::7", 65535), new byte[0], false),
                new Datagram(T0, new InetSocketAddress("192.0.2.10", 514), new byte[65535], true));
        for (Datagram d : sent) {
            assertThat(put(queue, d)).isTrue();
        }
        assertThat(queue.pending()).isEqualTo(sent.size());
        List<Datagram> got = take(queue, 100);
        assertThat(got).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertSame(got.get(i), sent.get(i));
        }
        assertThat(((Inet6Address) got.get(3).sender.getAddress()).getScopeId()).isEqualTo(3);
        assertThat(queue.pending()).isZero();
    }

    @Test
    void refusesWhenFullOfBytesOrMessagesUntilTheWriterTakesSome() {
        DatagramQueue bytesBound = new DatagramQueue(2 * DatagramQueue.CHUNK, 1000);
        Datagram big = new Datagram(T0, new InetSocketAddress("192.0.2.10", 514), new byte[60_000], false);
        int fitted = 0;
        while (put(bytesBound, big)) {
            fitted++;
        }
        assertThat(fitted).as("four to a chunk, two chunks").isEqualTo(8);
        assertThat(take(bytesBound, 3)).hasSize(3);
        assertThat(put(bytesBound, big)).as("the first chunk is not read to its end yet").isFalse();
        assertThat(take(bytesBound, 1)).hasSize(1);
        assertThat(put(bytesBound, big)).as("the first chunk, read, is taken again").isTrue();
        assertThat(bytesBound.chunks()).isEqualTo(2);

        DatagramQueue countBound = new DatagramQueue(1 << 20, 3);
        Datagram small = new Datagram(T0, big.sender, bytes("<13>x"), false);
        assertThat(put(countBound, small) && put(countBound, small) && put(countBound, small)).isTrue();
        assertThat(put(countBound, small)).isFalse();
        assertThat(take(countBound, 2)).hasSize(2);
        assertThat(put(countBound, small)).isTrue();
        assertThat(countBound.pending()).isEqualTo(2);
    }

    @Test
    void memoryFollowsTheBacklogAndReadChunksAreReused() {
        DatagramQueue queue = new DatagramQueue(64 << 20, 1_000_000);
        Datagram d = new Datagram(T0, new InetSocketAddress("192.0.2.10", 514), new byte[1000], false);
        assertThat(put(queue, d)).isTrue();
        assertThat(queue.chunks()).as("an idle collector holds one chunk").isEqualTo(1);
        for (int i = 0; i < 1000; i++) {
            assertThat(put(queue, d)).isTrue();
        }
        assertThat(queue.chunks()).as("a million bytes waiting").isEqualTo(4);
        assertThat(take(queue, Integer.MAX_VALUE)).hasSize(1001);
        // Ten times as much again, but never more than 100 datagrams waiting: the chunks read are reused.
        for (int round = 0; round < 100; round++) {
            for (int i = 0; i < 100; i++) {
                assertThat(put(queue, d)).isTrue();
            }
            assertThat(take(queue, Integer.MAX_VALUE)).hasSize(100);
        }
        assertThat(queue.chunks()).isEqualTo(4);
        assertThat(queue.pending()).isZero();
    }

    @Test
    void recordsNeverSplitAcrossTheEndAndComeOutInOrder() {
        // Sizes chosen at random against a plain queue: records cross from chunk to chunk many times, and the
        // queue runs full now and then.
        Random random = new Random(20261124);
        DatagramQueue queue = new DatagramQueue(3 * DatagramQueue.CHUNK, 1_000_000);
        ArrayDeque<Datagram> expected = new ArrayDeque<>();
        InetSocketAddress[] senders = {new InetSocketAddress("192.0.2.1", 514),
            new InetSocketAddress("2001:db8::1", 514), new InetSocketAddress("192.0.2.2", 1514)};
        int seq = 0;
        for (int round = 0; round < 20_000; round++) {
            if (random.nextInt(3) > 0) {
                byte[] payload = new byte[random.nextInt(5000)];
                random.nextBytes(payload);
                Datagram d = new Datagram(T0.plusNanos(seq++), senders[random.nextInt(3)], payload, random.nextBoolean());
                if (put(queue, d)) {
                    expected.add(d);
                }
            } else {
                for (Datagram got : take(queue, 1 + random.nextInt(4))) {
                    assertSame(got, expected.remove());
                }
            }
        }
        for (Datagram got : take(queue, Integer.MAX_VALUE)) {
            assertSame(got, expected.remove());
        }
        assertThat(expected).isEmpty();
        assertThat(seq).as("some 50 chunks' worth").isGreaterThan(13_000);
    }

    @Test
    void oneProducerAndOneConsumerThreadLoseNothing() throws Exception {
        DatagramQueue queue = new DatagramQueue(2 * DatagramQueue.CHUNK, 1 << 20);
        int count = 300_000;
        InetSocketAddress sender = new InetSocketAddress("192.0.2.10", 514);
        Thread producer = new Thread(() -> {
            for (int i = 0; i < count; i++) {
                byte[] payload = bytes("<13>seq " + i);
                int offset;
                while ((offset = queue.reserve(T0, sender, payload.length, false)) < 0) {
                    Thread.onSpinWait();
                }
                System.arraycopy(payload, 0, queue.array(), offset, payload.length);
                queue.commit();
            }
        });
        AtomicReference<String> wrong = new AtomicReference<>();
        int[] next = {0};
        DatagramQueue.Sink check = (at, from, data, offset, length, truncated) -> {
            String text = new String(data, offset, length, StandardCharsets.US_ASCII);
            if (!text.equals("<13>seq " + next[0]) && wrong.get() == null) {
                wrong.set("expected seq " + next[0] + ", got " + text);
            }
            next[0]++;
        };
        producer.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (next[0] < count && System.nanoTime() < deadline) {
            if (queue.drain(1000, check) == 0) {
                Thread.onSpinWait();
            }
        }
        producer.join(10_000);
        assertThat(wrong.get()).isNull();
        assertThat(next[0]).isEqualTo(count);
    }

    @Test
    void closedQueuesAreForgottenOnceDrainedAndSizedFromTheSetting() {
        DatagramQueues queues = new DatagramQueues(1024);
        DatagramQueue queue = queues.open();
        assertThat(put(queue, new Datagram(T0, new InetSocketAddress("192.0.2.10", 514), bytes("<13>last"), false)))
                .isTrue();
        queue.close();
        assertThat(queue.finished()).as("not while a datagram waits").isFalse();
        List<String> filed = new ArrayList<>();
        assertThat(queues.drain(10, (at, s, data, offset, length, t) -> filed.add(new String(data, offset, length,
                StandardCharsets.US_ASCII)))).isEqualTo(1);
        assertThat(filed).containsExactly("<13>last");
        assertThat(queue.finished()).isTrue();
        assertThat(queues.pending()).isZero();

        assertThat(DatagramQueues.bytesFor(1024)).isEqualTo(1 << 20);
        assertThat(DatagramQueues.bytesFor(100_000)).isEqualTo(12_800_000);
        assertThat(DatagramQueues.bytesFor(262_144)).isEqualTo(32 << 20);
        assertThat(DatagramQueues.bytesFor(16_777_216)).isEqualTo(32 << 20);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void fillFollowsWhicheverBoundIsNearerAndFallsToZeroWhenRead() {
        InetSocketAddress sender = new InetSocketAddress("192.0.2.1", 514);
        DatagramQueue byCount = new DatagramQueue(8L << 20, 100);
        for (int i = 0; i < 25; i++) {
            assertThat(put(byCount, new Datagram(T0, sender, new byte[10], false))).isTrue();
        }
        assertThat(byCount.fill()).isEqualTo(0.25);
        take(byCount, 1000);
        assertThat(byCount.fill()).isZero();

        DatagramQueue byMemory = new DatagramQueue(4 * DatagramQueue.CHUNK, 1_000_000);
        byte[] large = new byte[DatagramQueue.CHUNK / 2 - 64];
        for (int i = 0; i < 5; i++) { // two per chunk: three chunks, two of them full
            assertThat(put(byMemory, new Datagram(T0, sender, large, false))).isTrue();
        }
        assertThat(byMemory.fill()).isEqualTo(0.5);
        take(byMemory, 1000);
        assertThat(byMemory.fill()).isZero();
    }
}
