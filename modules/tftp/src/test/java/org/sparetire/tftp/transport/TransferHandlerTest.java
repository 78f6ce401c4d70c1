package org.sparetire.tftp.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sparetire.tftp.transport.Wire.from;
import static org.sparetire.tftp.transport.Wire.sent;
import static org.sparetire.tftp.transport.Wire.sentTo;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.event.TransferStarted;
import org.sparetire.testkit.EventRecorder;
import org.sparetire.testkit.ManualClock;
import org.sparetire.tftp.TftpConfig;
import org.sparetire.tftp.codec.Ack;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.ErrorPacket;
import org.sparetire.tftp.codec.Mode;
import org.sparetire.tftp.codec.ReadRequest;
import org.sparetire.tftp.codec.Request;
import org.sparetire.tftp.codec.WriteRequest;
import org.sparetire.tftp.policy.Admission;
import org.sparetire.tftp.policy.ExistingUpload;
import org.sparetire.tftp.policy.SharedFiles;
import org.sparetire.tftp.policy.UploadInbox;
import org.sparetire.tftp.session.OptionNegotiation;

/**
 * A transfer's own socket (its TID): datagrams in, the datagrams the transfer answers with checked, the
 * retransmission timer on virtual time. No socket is bound.
 */
class TransferHandlerTest {
    static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40000);
    static final InetSocketAddress STRANGER = new InetSocketAddress("127.0.0.1", 40001);

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock();
    final SharedFiles files = new SharedFiles();
    final EventBus bus = new EventBus();
    final EventRecorder events = new EventRecorder(bus);
    final LiveTransfers transfers = new LiveTransfers(bus);
    final Admission admission = new Admission(8, 8, 0, 1);
    byte[] image;
    EmbeddedChannel ch;
    TransferContext transfer;

    @BeforeEach
    void files() throws Exception {
        image = new byte[1300];
        new Random(11).nextBytes(image);
        Files.write(dir.resolve("boot.bin"), image);
    }

    @AfterEach
    void close() {
        if (ch != null) {
            transfer.abort("test over");
            ch.finishAndReleaseAll();
        }
        events.close();
        assertThat(files.openFiles()).isZero();
    }

    /** Plans the request as the server would, then starts it on an embedded channel of its own. */
    TransferContext start(Request req, UploadInbox inbox) {
        ServerSettings s = new ServerSettings(TftpConfig.defaults(dir).requestPolicy(inbox, files), admission,
                new OptionNegotiation.Limits(65464, 64, Duration.ofSeconds(1), 2, false), List.of(), List.of(), false,
                0, 0, Duration.ofSeconds(1), Duration.ZERO);
        TransferPlanner.Decision d = new TransferPlanner(clock, bus::nextTransferId).decide(req, PEER, null, s);
        TransferContext t = new TransferContext(((TransferPlanner.Planned) d).plan(),
                new TransferRuntime(clock, bus, transfers, new Segmentation()));
        transfers.add(t);
        ch = Wire.channel(new TransferHandler(t));
        t.attach(ch);
        t.start();
        transfer = t;
        return t;
    }

    TransferFinished finished() {
        List<TransferFinished> all = events.all(TransferFinished.class);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    @Test
    void blocksGoOutAsAcksComeInAndTheSocketClosesAtTheEnd() throws Exception {
        start(new ReadRequest("boot.bin", Mode.OCTET), null);
        assertThat(events.all(TransferStarted.class)).hasSize(1);
        for (int block = 1; block <= 3; block++) {
            Data d = (Data) sentTo(ch, PEER);
            assertThat(d.block()).isEqualTo(block);
            assertThat(Wire.payload(d)).isEqualTo(Arrays.copyOfRange(image, (block - 1) * 512, Math.min(1300, block * 512)));
            assertThat(sent(ch)).isNull();
            ch.writeInbound(from(PEER, new Ack(block)));
        }
        assertThat(sent(ch)).isNull();
        assertThat(finished().outcome()).isEqualTo(TransferOutcome.COMPLETED);
        assertThat(finished().bytes()).isEqualTo(1300);
        assertThat(ch.isOpen()).as("its own socket closes").isFalse();
        assertThat(transfers.running()).isZero();
        assertThat(admission.active()).isZero();
    }

    @Test
    void aPacketFromAnotherPortIsAnsweredWithError5AndTheTransferGoesOn() throws Exception {
        start(new ReadRequest("boot.bin", Mode.OCTET), null);
        assertThat(((Data) sentTo(ch, PEER)).block()).isEqualTo(1);
        ch.writeInbound(from(STRANGER, new Ack(1)));
        TftpPacketAssert.isError(sentTo(ch, STRANGER), 5);
        ch.writeInbound(from(PEER, new Ack(1)));
        assertThat(((Data) sentTo(ch, PEER)).block()).isEqualTo(2);
        assertThat(events.all(TransferFinished.class)).isEmpty();
    }

    @Test
    void malformedPacketsAreDroppedWithoutAnException() throws Exception {
        start(new ReadRequest("boot.bin", Mode.OCTET), null);
        sentTo(ch, PEER);
        try (Wire.Log log = new Wire.Log()) {
            for (byte[] bad : List.of(new byte[0], new byte[] {0, 4, 0}, new byte[] {0, 42, 0, 1}, new byte[] {0, 1, 'x'})) {
                ch.writeInbound(Wire.raw(PEER, bad));
                ch.checkException();
            }
            assertThat(sent(ch)).isNull();
            assertThat(log.lines()).filteredOn(l -> l.startsWith("tftp malformed packet dropped: peer=127.0.0.1:40000"))
                    .hasSize(4);
            assertThat(log.lines()).noneMatch(l -> l.startsWith("tftp transfer socket:"));
        }
        ch.writeInbound(from(PEER, new Ack(1)));
        assertThat(((Data) sentTo(ch, PEER)).block()).isEqualTo(2);
    }

    @Test
    void aLostAckIsAnsweredByTheTimerAndRetriesEndTheTransfer() throws Exception {
        start(new ReadRequest("boot.bin", Mode.OCTET), null);
        assertThat(((Data) sentTo(ch, PEER)).block()).isEqualTo(1);
        ch.runScheduledPendingTasks();
        assertThat(sent(ch)).as("not before the timeout").isNull();
        for (int retry = 1; retry <= 2; retry++) {
            clock.advance(Duration.ofSeconds(1L << (retry - 1)));
            ch.advanceTimeBy(1L << (retry - 1), TimeUnit.SECONDS);
            ch.runScheduledPendingTasks();
            assertThat(((Data) sentTo(ch, PEER)).block()).as("retry %d", retry).isEqualTo(1);
        }
        clock.advance(Duration.ofSeconds(8));
        ch.advanceTimeBy(8, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(finished().outcome()).isEqualTo(TransferOutcome.TIMED_OUT);
        assertThat(finished().retransmits()).isEqualTo(2);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void anErrorFromThePeerEndsTheTransferUnanswered() throws Exception {
        start(new ReadRequest("boot.bin", Mode.OCTET), null);
        sentTo(ch, PEER);
        ch.writeInbound(from(PEER, new ErrorPacket(0, "user cancelled")));
        assertThat(sent(ch)).isNull();
        assertThat(finished().outcome()).isEqualTo(TransferOutcome.PEER_ABORTED);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void anUploadIsAcknowledgedBlockByBlock() throws Exception {
        UploadInbox inbox = new UploadInbox(dir.resolve("inbox"), ExistingUpload.OVERWRITE, 10_000, List.of(), List.of(),
                255);
        start(new WriteRequest("up.cfg", Mode.OCTET, Map.of("blksize", "1024")), inbox);
        assertThat(sentTo(ch, PEER)).isEqualTo(new org.sparetire.tftp.codec.OptionAck(Map.of("blksize", "1024")));
        ch.writeInbound(from(PEER, new Data(1, ByteBuffer.wrap(image, 0, 1024))));
        assertThat(sentTo(ch, PEER)).isEqualTo(new Ack(1));
        ch.writeInbound(from(PEER, new Data(2, ByteBuffer.wrap(image, 1024, 276))));
        assertThat(sentTo(ch, PEER)).isEqualTo(new Ack(2));
        assertThat(finished().outcome()).isEqualTo(TransferOutcome.COMPLETED);
        assertThat(Files.readAllBytes(dir.resolve("inbox").resolve(finished().savedAs().getFileName()))).isEqualTo(image);
    }

    /** ERROR packets compared by code: their texts are the session's. */
    static final class TftpPacketAssert {
        static void isError(org.sparetire.tftp.codec.TftpPacket p, int code) {
            assertThat(p).isInstanceOf(ErrorPacket.class);
            assertThat(((ErrorPacket) p).code()).isEqualTo(code);
        }
    }
}
