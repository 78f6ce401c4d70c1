package org.sparetire.tftp.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.testkit.ManualClock;
import org.sparetire.tftp.codec.Ack;
import org.sparetire.tftp.codec.ErrorPacket;
import org.sparetire.tftp.codec.OptionAck;

class BlockSenderTest {
    static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.7", 2001);
    static final InetSocketAddress STRANGER = new InetSocketAddress("192.0.2.7", 2002);
    final ManualClock clock = new ManualClock();

    static TransferParameters params(int blksize, int window) {
        return new TransferParameters(blksize, window, Duration.ofSeconds(1), false, 3, false);
    }

    static List<Integer> blocks(Step step) {
        return step.send().stream().map(o -> ((Outgoing.Block) o).wireBlock()).toList();
    }

    long now() {
        return clock.nanoTime();
    }

    @Test
    void lockstepSendsOneBlockPerAckAndEndsWithAShortBlock() {
        BlockSender s = new BlockSender(PEER, params(512, 1), 1200, null);
        Step first = s.start(now());
        assertThat(first.send()).containsExactly(new Outgoing.Block(1, 0, 512));
        assertThat(first.deadline()).isEqualTo(now() + Duration.ofSeconds(1).toNanos());
        assertThat(s.onPacket(PEER, new Ack(1), now()).send()).containsExactly(new Outgoing.Block(2, 512, 512));
        assertThat(s.onPacket(PEER, new Ack(2), now()).send()).containsExactly(new Outgoing.Block(3, 1024, 176));
        Step done = s.onPacket(PEER, new Ack(3), now());
        assertThat(done.completion()).isEqualTo(Completion.COMPLETED);
        assertThat(done.closed()).isTrue();
        assertThat(s.bytes()).isEqualTo(1200);
    }

    @Test
    void likelyNextIsTheBlockTheNextAckAsksForAndNothingAfterTheLast() {
        BlockSender s = new BlockSender(PEER, params(512, 1), 1200, new OptionAck(Map.of("blksize", "512")));
        s.start(now());
        assertThat(s.likelyNext()).as("while the OACK waits").isEqualTo(new Outgoing.Block(1, 0, 512));
        s.onPacket(PEER, new Ack(0), now());
        Outgoing.Block predicted = s.likelyNext();
        assertThat(predicted).isEqualTo(new Outgoing.Block(2, 512, 512));
        assertThat(s.onPacket(PEER, new Ack(1), now()).send()).containsExactly(predicted);
        assertThat(s.likelyNext()).isEqualTo(new Outgoing.Block(3, 1024, 176));
        s.onPacket(PEER, new Ack(2), now());
        assertThat(s.likelyNext()).as("the last block is out").isNull();
    }

    @Test
    void theAckForLikelyNextMakesTheSenderSendExactlyThatBlockEveryTime() {
        // Lockstep through a rollover, with an OACK, a duplicate ACK and a timer resend on the way: whenever
        // the sender names an ACK, that ACK is answered with likelyNext() and nothing else.
        TransferParameters p = new TransferParameters(8, 1, Duration.ofSeconds(1), false, 3, false);
        BlockSender s = new BlockSender(PEER, p, 8L * 65_540, new OptionAck(Map.of("blksize", "8")));
        s.start(now());
        assertThat(s.ackForLikelyNext()).as("the OACK's answer").isZero();
        int named = 0;
        for (long seq = 0; seq <= 65_540; seq++) {
            int ack = s.ackForLikelyNext();
            assertThat(ack).isEqualTo(BlockSender.wireBlock(seq, false));
            Outgoing.Block next = s.likelyNext();
            if (seq == 70_000 % 65_536) {
                clock.advance(Duration.ofSeconds(2));
                s.onTimeout(now()); // a resend of the outstanding block changes neither
                assertThat(s.ackForLikelyNext()).isEqualTo(ack);
                assertThat(s.likelyNext()).isEqualTo(next);
            }
            assertThat(s.onPacket(PEER, new Ack(ack), now()).send()).containsExactly(next);
            assertThat(s.onPacket(PEER, new Ack(ack), now()).send()).as("its duplicate").isEmpty();
            named++;
        }
        assertThat(named).isEqualTo(65_541);
        assertThat(s.ackForLikelyNext()).as("the last block is out").isEqualTo(-1);
        assertThat(s.onPacket(PEER, new Ack(BlockSender.wireBlock(65_541, false)), now()).completion())
                .isEqualTo(Completion.COMPLETED);
    }

    @Test
    void noAckIsNamedForAWindow() {
        BlockSender s = new BlockSender(PEER, params(100, 4), 1000, null);
        s.start(now());
        assertThat(s.ackForLikelyNext()).isEqualTo(-1);
    }

    @Test
    void likelyNextOfAWindowIsTheFirstBlockOfTheNextWindow() {
        BlockSender s = new BlockSender(PEER, params(100, 4), 1000, null);
        s.start(now());
        assertThat(s.likelyNext()).isEqualTo(new Outgoing.Block(5, 400, 100));
    }

    @Test
    void aFileThatIsAnExactMultipleEndsWithAnEmptyBlock() {
        BlockSender s = new BlockSender(PEER, params(512, 1), 1024, null);
        s.start(now());
        s.onPacket(PEER, new Ack(1), now());
        assertThat(s.onPacket(PEER, new Ack(2), now()).send()).containsExactly(new Outgoing.Block(3, 1024, 0));
        assertThat(s.onPacket(PEER, new Ack(3), now()).completion()).isEqualTo(Completion.COMPLETED);
    }

    @Test
    void emptyFileIsOneEmptyBlock() {
        BlockSender s = new BlockSender(PEER, params(512, 4), 0, null);
        assertThat(s.start(now()).send()).containsExactly(new Outgoing.Block(1, 0, 0));
        assertThat(s.onPacket(PEER, new Ack(1), now()).completion()).isEqualTo(Completion.COMPLETED);
    }

    @Test
    void oackMustBeAcknowledgedWithAckZeroBeforeData() {
        OptionAck oack = new OptionAck(Map.of("blksize", "1024"));
        BlockSender s = new BlockSender(PEER, params(1024, 1), 3000, oack);
        assertThat(s.start(now()).send()).containsExactly(new Outgoing.Packet(oack));
        assertThat(s.onPacket(PEER, new Ack(1), now()).send()).as("not ACK 0").isEmpty();
        clock.advanceMillis(1000);
        Step resend = s.onTimeout(now());
        assertThat(resend.send()).containsExactly(new Outgoing.Packet(oack));
        assertThat(s.retransmits()).isEqualTo(1);
        assertThat(s.onPacket(PEER, new Ack(0), now()).send()).containsExactly(new Outgoing.Block(1, 0, 1024));
    }

    @Test
    void anErrorInAnswerToTheOackIsAPeerAbortNotAFailure() {
        // UEFI firmware asks for tsize, reads it from the OACK, then says ERROR 8 and opens a new transfer.
        BlockSender s = new BlockSender(PEER, params(1468, 1), 9_000_000, new OptionAck(Map.of("tsize", "9000000")));
        s.start(now());
        Step step = s.onPacket(PEER, new ErrorPacket(8, "User aborted the transfer"), now());
        assertThat(step.completion().outcome()).isEqualTo(TransferOutcome.PEER_ABORTED);
        assertThat(step.completion().detail()).isEqualTo("peer declined the options: error 8 'User aborted the transfer'");
        assertThat(step.send()).isEmpty();
        assertThat(step.closed()).isTrue();
    }

    @Test
    void lostDataIsResentByTheTimerWithBackoff() {
        BlockSender s = new BlockSender(PEER, params(512, 1), 2000, null);
        long t0 = now();
        s.start(t0);
        clock.advanceMillis(999);
        assertThat(s.onTimeout(now()).send()).as("too early").isEmpty();
        clock.advanceMillis(1);
        Step r1 = s.onTimeout(now());
        assertThat(r1.send()).containsExactly(new Outgoing.Block(1, 0, 512));
        assertThat(r1.deadline()).isEqualTo(now() + Duration.ofSeconds(2).toNanos());
        clock.advanceMillis(2000);
        assertThat(s.onTimeout(now()).deadline()).isEqualTo(now() + Duration.ofSeconds(4).toNanos());
        assertThat(s.retransmits()).isEqualTo(2);
        Step next = s.onPacket(PEER, new Ack(1), now());
        assertThat(next.send()).containsExactly(new Outgoing.Block(2, 512, 512));
        assertThat(next.deadline()).as("Karn: an answer to a resent block measures nothing, the backoff stays")
                .isEqualTo(now() + Duration.ofSeconds(4).toNanos());
        clock.advanceMillis(3);
        Step third = s.onPacket(PEER, new Ack(2), now());
        assertThat(third.deadline()).as("a block sent once measured 3 ms: the 10 ms floor")
                .isEqualTo(now() + Duration.ofMillis(10).toNanos());
    }

    @Test
    void duplicateAckNeverDoublesTheStream() {
        BlockSender s = new BlockSender(PEER, params(512, 1), 5000, null);
        s.start(now());
        assertThat(blocks(s.onPacket(PEER, new Ack(1), now()))).containsExactly(2);
        // The Sorcerer's Apprentice: a delayed duplicate ACK 1 must not send block 2 again.
        assertThat(s.onPacket(PEER, new Ack(1), now()).send()).isEmpty();
        assertThat(blocks(s.onPacket(PEER, new Ack(2), now()))).containsExactly(3);
        assertThat(s.onPacket(PEER, new Ack(2), now()).send()).isEmpty();
        assertThat(s.retransmits()).isZero();
    }

    @Test
    void wrongTidGetsErrorFiveAndTheTransferGoesOn() {
        BlockSender s = new BlockSender(PEER, params(512, 1), 5000, null);
        Step start = s.start(now());
        Step stranger = s.onPacket(STRANGER, new Ack(1), now());
        assertThat(stranger.send()).containsExactly(
                new Outgoing.Packet(new ErrorPacket(5, "unknown transfer ID"), STRANGER));
        assertThat(stranger.completion()).isNull();
        assertThat(stranger.closed()).isFalse();
        assertThat(stranger.deadline()).isEqualTo(start.deadline());
        assertThat(blocks(s.onPacket(PEER, new Ack(1), now()))).containsExactly(2);
    }

    @Test
    void windowSendsManyBlocksAndRollsBackToAGap() {
        BlockSender s = new BlockSender(PEER, params(100, 4), 1000, null);
        assertThat(blocks(s.start(now()))).containsExactly(1, 2, 3, 4);
        assertThat(blocks(s.onPacket(PEER, new Ack(4), now()))).containsExactly(5, 6, 7, 8);
        // The receiver saw 5 and 6 but not 7: ACK 6 means "resume at 7".
        assertThat(blocks(s.onPacket(PEER, new Ack(6), now()))).containsExactly(7, 8, 9, 10);
        assertThat(s.retransmits()).as("7 and 8 went out twice").isEqualTo(2);
        assertThat(s.onPacket(PEER, new Ack(6), now()).send()).as("duplicate").isEmpty();
        assertThat(blocks(s.onPacket(PEER, new Ack(10), now()))).containsExactly(11);
        assertThat(s.onPacket(PEER, new Ack(11), now()).completion()).isEqualTo(Completion.COMPLETED);
    }

    @Test
    void windowTimeoutResendsTheWholeOutstandingWindow() {
        BlockSender s = new BlockSender(PEER, params(100, 3), 1000, null);
        s.start(now());
        s.onPacket(PEER, new Ack(3), now());
        clock.advanceMillis(1000);
        assertThat(blocks(s.onTimeout(now()))).containsExactly(4, 5, 6);
        assertThat(s.retransmits()).isEqualTo(3);
    }

    @Test
    void aWindowKeepsTheConfiguredTimerWhateverTheMeasuredRoundTrip() {
        BlockSender s = new BlockSender(PEER, params(100, 4), 2000, null);
        s.start(now());
        clock.advanceMillis(3);
        Step next = s.onPacket(PEER, new Ack(4), now());
        assertThat(blocks(next)).containsExactly(5, 6, 7, 8);
        assertThat(next.deadline()).as("a paused peer is not sent the window again after a 3 ms round trip")
                .isEqualTo(now() + Duration.ofSeconds(1).toNanos());
        clock.advanceMillis(999);
        assertThat(s.onTimeout(now()).send()).as("too early").isEmpty();
        clock.advanceMillis(1);
        assertThat(blocks(s.onTimeout(now()))).containsExactly(5, 6, 7, 8);
    }

    @Test
    void peerThatVanishesIsGivenUpWhenTheRetriesScheduleRunsOut() {
        // Three retries at 1 s doubling: 1 + 2 + 4 + 8 = 15 s without progress, however often it resent.
        BlockSender s = new BlockSender(PEER, params(512, 1), 5000, null);
        long t0 = now();
        Step last = s.start(t0);
        int resends = 0;
        while (last.completion() == null) {
            assertThat(last.hasDeadline()).isTrue();
            clock.advance(Duration.ofNanos(last.deadline() - now()));
            last = s.onTimeout(now());
            resends += last.completion() == null ? 1 : 0;
        }
        assertThat(now() - t0).isEqualTo(Duration.ofSeconds(15).toNanos());
        assertThat(resends).isEqualTo(3);
        assertThat(last.completion().outcome()).isEqualTo(TransferOutcome.TIMED_OUT);
        assertThat(last.completion().detail()).isEqualTo("no answer for 15000 ms");
        assertThat(last.send()).containsExactly(new Outgoing.Packet(new ErrorPacket(0, "transfer timed out")));
        assertThat(last.closed()).isTrue();
        assertThat(s.onPacket(PEER, new Ack(1), now()).send()).as("closed").isEmpty();
    }

    @Test
    void blockNumbersWrapToZeroPastBlock65535ByDefault() {
        assertThat(BlockSender.wireBlock(65535, false)).isEqualTo(65535);
        assertThat(BlockSender.wireBlock(65536, false)).isEqualTo(0);
        assertThat(BlockSender.wireBlock(65537, false)).isEqualTo(1);
        assertThat(BlockSender.wireBlock(65535, true)).isEqualTo(65535);
        assertThat(BlockSender.wireBlock(65536, true)).isEqualTo(1);
        assertThat(BlockSender.wireBlock(65535L * 2, true)).isEqualTo(65535);
        assertThat(BlockSender.wireBlock(65535L * 2 + 1, true)).isEqualTo(1);
    }

    @Test
    void rolloverDrivesAFileOfSeventyThousandBlocksToTheEnd() {
        for (boolean toOne : new boolean[] {false, true}) {
            TransferParameters p = new TransferParameters(8, 1, Duration.ofSeconds(1), false, 3, toOne);
            long size = 70_000L * 8 + 3;
            BlockSender s = new BlockSender(PEER, p, size, null);
            Step step = s.start(now());
            long offset = 0;
            int prev = 0;
            while (step.completion() == null) {
                Outgoing.Block b = (Outgoing.Block) step.send().get(0);
                assertThat(b.offset()).isEqualTo(offset);
                if (prev == 65535) {
                    assertThat(b.wireBlock()).as("after 65535").isEqualTo(toOne ? 1 : 0);
                }
                prev = b.wireBlock();
                offset += b.length();
                step = s.onPacket(PEER, new Ack(b.wireBlock()), now());
            }
            assertThat(offset).isEqualTo(size);
            assertThat(s.totalBlocks()).isEqualTo(70_001);
        }
    }
}
