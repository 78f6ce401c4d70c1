package org.sparetire.tftp.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.testkit.ManualClock;
import org.sparetire.tftp.codec.Ack;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.ErrorPacket;

class BlockReceiverTest {
    static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.9", 3001);
    final ManualClock clock = new ManualClock();
    final MemorySink sink = new MemorySink();

    static TransferParameters params(int blksize, int window) {
        return new TransferParameters(blksize, window, Duration.ofSeconds(1), false, 3, false);
    }

    static Data data(int block, int length) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) block);
        return Data.of(block, b);
    }

    static Outgoing ack(int n) {
        return new Outgoing.Packet(new Ack(n));
    }

    long now() {
        return clock.nanoTime();
    }

    @Test
    void lockstepAcknowledgesEachBlockAndLingersForARepeatedLastBlock() {
        BlockReceiver r = new BlockReceiver(PEER, params(8, 1), sink, 1000, new Ack(0));
        assertThat(r.start(now()).send()).containsExactly(ack(0));
        assertThat(r.onPacket(PEER, data(1, 8), now()).send()).containsExactly(ack(1));
        Step last = r.onPacket(PEER, data(2, 3), now());
        assertThat(last.send()).containsExactly(ack(2));
        assertThat(last.completion()).isEqualTo(Completion.COMPLETED);
        assertThat(last.closed()).as("lingers").isFalse();
        assertThat(sink.committed).isTrue();
        assertThat(sink.data.size()).isEqualTo(11);
        assertThat(r.onPacket(PEER, data(2, 3), now()).send()).as("final ACK lost").containsExactly(ack(2));
        clock.advance(Duration.ofSeconds(2));
        Step closed = r.onTimeout(now());
        assertThat(closed.closed()).isTrue();
        assertThat(closed.completion()).as("reported once").isNull();
    }

    @Test
    void lostAckIsRepairedByAcknowledgingTheRepeatedBlock() {
        BlockReceiver r = new BlockReceiver(PEER, params(8, 1), sink, 1000, new Ack(0));
        r.start(now());
        r.onPacket(PEER, data(1, 8), now());
        assertThat(r.onPacket(PEER, data(1, 8), now()).send()).containsExactly(ack(1));
        assertThat(sink.data.size()).as("not written twice").isEqualTo(8);
    }

    @Test
    void lostDataIsRecoveredByTheTimerRepeatingTheLastAck() {
        BlockReceiver r = new BlockReceiver(PEER, params(8, 1), sink, 1000, new Ack(0));
        r.start(now());
        clock.advanceMillis(1000);
        assertThat(r.onTimeout(now()).send()).as("ACK 0 again, DATA 1 was lost").containsExactly(ack(0));
        r.onPacket(PEER, data(1, 8), now());
        clock.advanceMillis(1000);
        assertThat(r.onTimeout(now()).send()).containsExactly(ack(1));
        assertThat(r.retransmits()).isEqualTo(2);
    }

    @Test
    void windowIsAcknowledgedOnceAndAGapOnce() {
        BlockReceiver r = new BlockReceiver(PEER, params(8, 4), sink, 1000, null);
        r.start(now());
        assertThat(r.onPacket(PEER, data(1, 8), now()).send()).isEmpty();
        assertThat(r.onPacket(PEER, data(2, 8), now()).send()).isEmpty();
        assertThat(r.onPacket(PEER, data(3, 8), now()).send()).isEmpty();
        assertThat(r.onPacket(PEER, data(4, 8), now()).send()).containsExactly(ack(4));
        r.onPacket(PEER, data(5, 8), now());
        // 6 is lost: 7 reveals the gap, ACK 5 asks the sender to resume at 6; 8 adds nothing.
        assertThat(r.onPacket(PEER, data(7, 8), now()).send()).containsExactly(ack(5));
        assertThat(r.onPacket(PEER, data(8, 8), now()).send()).isEmpty();
        assertThat(r.onPacket(PEER, data(6, 8), now()).send()).isEmpty();
        r.onPacket(PEER, data(7, 8), now());
        r.onPacket(PEER, data(8, 8), now());
        assertThat(r.onPacket(PEER, data(9, 8), now()).send()).containsExactly(ack(9));
        assertThat(sink.data.size()).isEqualTo(72);
    }

    @Test
    void peerThatVanishesTimesOutAndThePartialUploadIsAborted() {
        BlockReceiver r = new BlockReceiver(PEER, params(8, 1), sink, 1000, new Ack(0));
        r.start(now());
        r.onPacket(PEER, data(1, 8), now());
        Step step = null;
        for (int i = 0; i <= 3; i++) {
            clock.advance(Duration.ofSeconds(30));
            step = r.onTimeout(now());
        }
        assertThat(step.completion().outcome()).isEqualTo(TransferOutcome.TIMED_OUT);
        assertThat(step.closed()).isTrue();
        assertThat(sink.aborted).isTrue();
        assertThat(sink.committed).isFalse();
    }

    @Test
    void overTheSizeLimitIsErrorThree() {
        BlockReceiver r = new BlockReceiver(PEER, params(8, 1), sink, 12, new Ack(0));
        r.start(now());
        r.onPacket(PEER, data(1, 8), now());
        Step step = r.onPacket(PEER, data(2, 8), now());
        assertThat(step.send()).containsExactly(new Outgoing.Packet(new ErrorPacket(3, "file too large")));
        assertThat(step.completion().outcome()).isEqualTo(TransferOutcome.FAILED);
        assertThat(sink.aborted).isTrue();
    }

    @Test
    void diskFullIsErrorThree() {
        sink.failAfter = 10;
        BlockReceiver r = new BlockReceiver(PEER, params(8, 1), sink, 1000, new Ack(0));
        r.start(now());
        r.onPacket(PEER, data(1, 8), now());
        Step step = r.onPacket(PEER, data(2, 8), now());
        assertThat(step.send()).containsExactly(
                new Outgoing.Packet(new ErrorPacket(3, "disk full or allocation exceeded")));
        assertThat(sink.aborted).isTrue();
    }

    @Test
    void blockLargerThanNegotiatedIsRefused() {
        BlockReceiver r = new BlockReceiver(PEER, params(8, 1), sink, 1000, new Ack(0));
        r.start(now());
        Step step = r.onPacket(PEER, data(1, 9), now());
        assertThat(step.completion().outcome()).isEqualTo(TransferOutcome.FAILED);
        assertThat(((Outgoing.Packet) step.send().get(0)).packet()).isEqualTo(
                new ErrorPacket(4, "block larger than the negotiated blksize"));
    }

    @Test
    void peerErrorAbortsTheUpload() {
        BlockReceiver r = new BlockReceiver(PEER, params(8, 1), sink, 1000, new Ack(0));
        r.start(now());
        r.onPacket(PEER, data(1, 8), now());
        Step step = r.onPacket(PEER, new ErrorPacket(0, "cancelled\u0007"), now());
        assertThat(step.completion()).isEqualTo(new Completion(TransferOutcome.PEER_ABORTED,
                "peer sent error 0 'cancelled?'"));
        assertThat(sink.aborted).isTrue();
    }

    @Test
    void acceptsRolloverToZeroOrToOne() {
        for (int wrapTo : new int[] {0, 1}) {
            MemorySink s = new MemorySink();
            BlockReceiver r = new BlockReceiver(PEER, params(8, 1), s, Long.MAX_VALUE, null);
            r.start(now());
            long seq = 0;
            int wire = 0;
            for (int i = 0; i < 65_540; i++) {
                seq++;
                wire = seq <= 65535 ? (int) seq : (wire == 65535 ? wrapTo : wire + 1);
                List<Outgoing> out = r.onPacket(PEER, data(wire, 8), now()).send();
                assertThat(out).as("block seq " + seq).containsExactly(ack(wire));
            }
            assertThat(r.blocksReceived()).isEqualTo(65_540);
            assertThat(r.onPacket(PEER, data((wire + 1) & 0xFFFF, 0), now()).completion())
                    .isEqualTo(Completion.COMPLETED);
        }
    }
}
