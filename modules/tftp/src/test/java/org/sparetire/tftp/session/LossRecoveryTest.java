package org.sparetire.tftp.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparetire.testkit.ManualClock;
import org.sparetire.tftp.codec.Ack;

/**
 * How fast a read transfer recovers from loss with lockstep clients, and that the faster recovery never
 * doubles the DATA stream (the Sorcerer's Apprentice), on a manual clock.
 */
class LossRecoveryTest {
    static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.7", 2001);
    static final long MS = 1_000_000L;
    final ManualClock clock = new ManualClock();

    static TransferParameters params() {
        return new TransferParameters(512, 1, Duration.ofSeconds(1), false, 5, false);
    }

    long now() {
        return clock.nanoTime();
    }

    /** Blocks 1..n acknowledged one round trip of {@code rttMs} after each was sent. */
    void acknowledge(BlockSender s, int n, long rttMs) {
        for (int b = 1; b <= n; b++) {
            clock.advanceMillis(rttMs);
            assertThat(s.onPacket(PEER, new Ack(b), now()).send()).hasSize(1);
        }
    }

    @Test
    void aBlockLostOnTheWayIsResentAsSoonAsTheClientAsksAgain() {
        BlockSender s = new BlockSender(PEER, params(), 512 * 20, null);
        s.start(now());
        acknowledge(s, 4, 1);
        // Block 5 is lost. busybox asks again with ACK 4 after 50 ms; the timer alone would wait longer.
        clock.advanceMillis(50);
        Step again = s.onPacket(PEER, new Ack(4), now());
        assertThat(again.send()).containsExactly(new Outgoing.Block(5, 4 * 512, 512));
        assertThat(s.retransmits()).isEqualTo(1);
        clock.advanceMillis(1);
        assertThat(s.onPacket(PEER, new Ack(4), now()).send()).as("the same request again at once is an echo")
                .isEmpty();
        clock.advanceMillis(1);
        assertThat(s.onPacket(PEER, new Ack(5), now()).send()).containsExactly(new Outgoing.Block(6, 5 * 512, 512));
    }

    @Test
    void theTimerFollowsTheMeasuredRoundTripAboveAFloor() {
        BlockSender s = new BlockSender(PEER, params(), 512 * 20, null);
        Step first = s.start(now());
        assertThat(first.deadline() - now()).as("nothing measured yet").isEqualTo(1000 * MS);
        acknowledge(s, 3, 1);
        clock.advanceMillis(1);
        Step fourth = s.onPacket(PEER, new Ack(4), now());
        assertThat(fourth.deadline() - now()).as("1 ms round trips: the 10 ms floor").isEqualTo(10 * MS);
        // tftp-hpa asks again only after 5 s: the timer resends, backing off from the measured timeout.
        clock.advanceMillis(10);
        Step resend = s.onTimeout(now());
        assertThat(resend.send()).containsExactly(new Outgoing.Block(5, 4 * 512, 512));
        assertThat(resend.deadline() - now()).as("then a quiet spell a client that ignores duplicates needs")
                .isEqualTo(200 * MS);

        BlockSender slow = new BlockSender(PEER, params(), 512 * 20, null);
        slow.start(now());
        acknowledge(slow, 8, 200);
        Step next = slow.onPacket(PEER, new Ack(8), now());
        assertThat(next.send()).as("an ACK repeated within the round trip is an echo").isEmpty();
        clock.advanceMillis(200);
        Step ninth = slow.onPacket(PEER, new Ack(9), now());
        assertThat(ninth.deadline() - now()).as("a 200 ms peer gets about its round trip, no 10 ms resends")
                .isBetween(200 * MS, 400 * MS);
    }

    @Test
    void aRepeatedAckAnsweringOurOwnResendIsNotNewsOfALoss() {
        BlockSender s = new BlockSender(PEER, params(), 512 * 20, null);
        s.start(now());
        acknowledge(s, 4, 1);
        // Block 5 is slow, not lost: the timer resends it, then both copies are acknowledged, 30 ms apart.
        clock.advanceMillis(10);
        assertThat(s.onTimeout(now()).send()).hasSize(1);
        clock.advanceMillis(5);
        assertThat(s.onPacket(PEER, new Ack(5), now()).send()).containsExactly(new Outgoing.Block(6, 5 * 512, 512));
        clock.advanceMillis(30);
        assertThat(s.onPacket(PEER, new Ack(5), now()).send()).as("block 5 went out twice: two ACKs expected")
                .isEmpty();
        clock.advanceMillis(50);
        assertThat(s.onPacket(PEER, new Ack(5), now()).send()).as("a third is the client asking for 6 again")
                .containsExactly(new Outgoing.Block(6, 5 * 512, 512));
    }

    /**
     * A whole transfer to a busybox-like client (ACKs every DATA, duplicates too, and repeats its last ACK
     * after 50 ms of silence, doubling) over a link that delays some packets past the timeout and duplicates
     * others, with copies up to 20 ms apart, and whose round trip may jump from 1 ms to 80 ms halfway: the
     * server must never fall into sending each block twice.
     */
    @ParameterizedTest(name = "loss={0} dup={1} spike={2} jump={3}")
    @CsvSource({
        "0.0, 0.2, 0.02, false",
        "0.05, 0.0, 0.0, false",
        "0.05, 0.1, 0.02, false",
        "0.2, 0.1, 0.05, false",
        "0.0, 0.0, 0.0, true",
        "0.05, 0.1, 0.02, true",
    })
    void noDoubledDataStreamAndNoSecondLongWaits(double loss, double dup, double spike, boolean jump) {
        int blocks = 3000;
        Random random = new Random(Double.hashCode(loss + dup * 3 + spike * 7));
        BlockSender s = new BlockSender(PEER, params(), 512L * blocks - 1, null);
        Link link = new Link(random, loss, dup, spike);
        long t0 = now();
        long[] deadline = {Step.NO_DEADLINE};
        int dataSent = 0;
        int expected = 1;
        long silenceAfter = 50 * MS;
        long reAckAt = t0 + silenceAfter;
        long ideal = 0;
        dataSent += link.send(s.start(now()), true, now(), deadline);
        while (!s.isClosed()) {
            long next = Math.min(reAckAt, deadline[0] == Step.NO_DEADLINE ? Long.MAX_VALUE : deadline[0]);
            if (!link.queue.isEmpty()) {
                next = Math.min(next, link.queue.peek().at());
            }
            clock.advance(Duration.ofNanos(Math.max(0, next - now())));
            assertThat(now() - t0).as("bounded").isLessThan(Duration.ofHours(1).toNanos());
            if (!link.queue.isEmpty() && link.queue.peek().at() <= now()) {
                Link.InFlight f = link.queue.poll();
                if (f.toClient()) {
                    if (f.block() == expected) {
                        expected++;
                        ideal += 2 * link.base;
                        if (jump && expected == blocks / 2) {
                            link.base = 40 * MS;
                        }
                    }
                    silenceAfter = 50 * MS;
                    reAckAt = now() + silenceAfter;
                    // RFC 1350 clients acknowledge a duplicate DATA again: the worst case for the SAS.
                    link.ack(expected - 1, now());
                } else {
                    dataSent += link.send(s.onPacket(PEER, new Ack(f.block()), now()), true, now(), deadline);
                }
            } else if (now() >= reAckAt) {
                link.ack(expected - 1, now());
                silenceAfter *= 2;
                reAckAt = now() + silenceAfter;
            } else {
                dataSent += link.send(s.onTimeout(now()), true, now(), deadline);
            }
        }
        assertThat(s.isCompleted()).isTrue();
        assertThat(expected - 1).isEqualTo(blocks);
        int lost = link.lost;
        assertThat(dataSent).as("DATA sent for %d blocks with %d packets lost", blocks, lost)
                .isLessThan(blocks + 3 * lost + (int) (blocks * (spike + dup)) + 20);
        // Each loss costs at most about the client's 50 ms (or the timer), never a second.
        assertThat(Duration.ofNanos(now() - t0)).isLessThan(Duration.ofNanos(ideal * 11 / 10 + blocks * MS)
                .plus(Duration.ofMillis(lost * 120L + 500)));
    }

    /** Both directions of a link: a base delay of 1 ms, late packets, duplicates and losses. */
    private static final class Link {
        record InFlight(long at, long order, boolean toClient, int block) implements Comparable<InFlight> {
            @Override
            public int compareTo(InFlight o) {
                return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
            }
        }

        final PriorityQueue<InFlight> queue = new PriorityQueue<>();
        final Random random;
        final double loss;
        final double dup;
        final double spike;
        long order;
        int lost;
        long base = MS / 2;

        Link(Random random, double loss, double dup, double spike) {
            this.random = random;
            this.loss = loss;
            this.dup = dup;
            this.spike = spike;
        }

        /** Puts a step's DATA on the link; returns how many DATA packets the server sent. */
        int send(Step step, boolean toClient, long now, long[] deadline) {
            deadline[0] = step.deadline();
            int n = 0;
            for (Outgoing o : step.send()) {
                if (o instanceof Outgoing.Block b) {
                    n++;
                    put(true, b.wireBlock(), now);
                }
            }
            return n;
        }

        void ack(int block, long now) {
            put(false, block, now);
        }

        private void put(boolean toClient, int block, long now) {
            if (random.nextDouble() < loss) {
                lost++;
                return;
            }
            long delay = base + (random.nextDouble() < spike ? 30 * MS : 0);
            queue.add(new InFlight(now + delay, order++, toClient, block));
            if (random.nextDouble() < dup) {
                queue.add(new InFlight(now + delay + random.nextInt(20) * MS, order++, toClient, block));
            }
        }
    }
}
