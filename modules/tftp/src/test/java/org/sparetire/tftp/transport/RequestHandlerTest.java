package org.sparetire.tftp.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sparetire.tftp.transport.Wire.from;
import static org.sparetire.tftp.transport.Wire.sent;
import static org.sparetire.tftp.transport.Wire.sentTo;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.testkit.EventRecorder;
import org.sparetire.testkit.ManualClock;
import org.sparetire.testkit.TestServices;
import org.sparetire.tftp.TftpConfig;
import org.sparetire.tftp.codec.Ack;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.ErrorPacket;
import org.sparetire.tftp.codec.Mode;
import org.sparetire.tftp.codec.OptionAck;
import org.sparetire.tftp.codec.ReadRequest;
import org.sparetire.tftp.codec.WriteRequest;
import org.sparetire.tftp.policy.Admission;
import org.sparetire.tftp.policy.SharedFiles;
import org.sparetire.tftp.session.OptionNegotiation;

/**
 * The request socket's handler in single-port mode, where every packet of a transfer passes through it:
 * datagrams in, the datagrams it answers with checked byte for byte; no socket, virtual time.
 */
class RequestHandlerTest {
    static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40000);

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock();
    final SharedFiles files = new SharedFiles();
    ServiceContext context;
    EventRecorder events;
    TftpServer server;
    EmbeddedChannel ch;
    byte[] image;

    @BeforeEach
    void server() throws Exception {
        image = new byte[700];
        new Random(7).nextBytes(image);
        Files.write(dir.resolve("boot.bin"), image);
        Files.writeString(dir.resolve("other.cfg"), "other\n");
        context = TestServices.context(clock);
        events = new EventRecorder(context.events());
        server = new TftpServer(context.net(), context.events(), clock);
        server.update(new ServerSettings(TftpConfig.defaults(dir).requestPolicy(null, files), new Admission(8, 8, 0, 1),
                new OptionNegotiation.Limits(65464, 64, Duration.ofSeconds(1), 5, false), List.of(), List.of(), true, 0, 0,
                Duration.ofSeconds(1), Duration.ZERO));
        RequestHandler handler = server.requestHandler();
        ch = Wire.channel(handler);
        handler.serve(new RequestSocket(ch));
    }

    @AfterEach
    void close() {
        ch.finishAndReleaseAll();
        events.close();
        context.net().close();
        assertThat(files.openFiles()).isZero();
    }

    @Test
    void aReadRequestIsAnsweredFromTheRequestSocketToTheEnd() throws Exception {
        ch.writeInbound(from(PEER, new ReadRequest("boot.bin", Mode.OCTET)));
        Data first = (Data) sentTo(ch, PEER);
        assertThat(first.block()).isEqualTo(1);
        assertThat(Wire.payload(first)).isEqualTo(Arrays.copyOfRange(image, 0, 512));
        assertThat(server.activeTransfers()).isEqualTo(1);
        ch.writeInbound(from(PEER, new Ack(1)));
        Data last = (Data) sentTo(ch, PEER);
        assertThat(last.block()).isEqualTo(2);
        assertThat(Wire.payload(last)).isEqualTo(Arrays.copyOfRange(image, 512, 700));
        ch.writeInbound(from(PEER, new Ack(2)));
        assertThat(sent(ch)).isNull();
        TransferFinished done = events.all(TransferFinished.class).get(0);
        assertThat(done.outcome()).isEqualTo(TransferOutcome.COMPLETED);
        assertThat(done.bytes()).isEqualTo(700);
        assertThat(server.activeTransfers()).isZero();
        assertThat(server.servedTransfers()).isEqualTo(1);
        assertThat(ch.isOpen()).as("the shared socket stays open").isTrue();
    }

    @Test
    void optionsAreAnsweredWithAnOptionAck() throws Exception {
        ch.writeInbound(from(PEER, new ReadRequest("boot.bin", Mode.OCTET, Map.of("blksize", "1024", "tsize", "0"))));
        assertThat(sentTo(ch, PEER)).isEqualTo(new OptionAck(Map.of("blksize", "1024", "tsize", "700")));
        ch.writeInbound(from(PEER, new Ack(0)));
        Data only = (Data) sentTo(ch, PEER);
        assertThat(Wire.payload(only)).isEqualTo(image);
        ch.writeInbound(from(PEER, new Ack(1)));
        assertThat(events.all(TransferFinished.class).get(0).outcome()).isEqualTo(TransferOutcome.COMPLETED);
    }

    @Test
    void refusalsAreTftpErrorsFromTheRequestSocket() throws Exception {
        ch.writeInbound(from(PEER, new ReadRequest("missing.bin", Mode.OCTET)));
        assertThat(sentTo(ch, PEER)).isEqualTo(new ErrorPacket(1, "file not found"));
        ch.writeInbound(from(PEER, new ReadRequest("boot.bin", Mode.MAIL)));
        assertThat(sentTo(ch, PEER)).isEqualTo(new ErrorPacket(4, "mail mode is not supported"));
        ch.writeInbound(from(PEER, new WriteRequest("up.cfg", Mode.OCTET)));
        assertThat(sentTo(ch, PEER)).isEqualTo(new ErrorPacket(2, "access violation"));
        assertThat(events.all(TransferFinished.class)).extracting(TransferFinished::outcome)
                .containsOnly(TransferOutcome.REFUSED).hasSize(3);
        assertThat(server.activeTransfers()).isZero();
    }

    static List<Arguments> malformed() {
        return List.of(
                Arguments.of("empty datagram", new byte[0]),
                Arguments.of("one byte", new byte[] {0}),
                Arguments.of("unknown opcode", new byte[] {0, 9, 0, 1}),
                Arguments.of("RRQ without terminators", new byte[] {0, 1, 'a', 'b'}),
                Arguments.of("RRQ with an empty name", new byte[] {0, 1, 0, 'o', 'c', 't', 'e', 't', 0}),
                Arguments.of("RRQ with an unknown mode", new byte[] {0, 1, 'a', 0, 'x', 0}),
                Arguments.of("RRQ with an option without value", new byte[] {0, 1, 'a', 0, 'o', 'c', 't', 'e', 't', 0,
                        'b', 'l', 'k', 's', 'i', 'z', 'e', 0}),
                Arguments.of("RRQ with an empty option name and more", new byte[] {0, 1, 'a', 0, 'o', 'c', 't', 'e', 't',
                        0, 0, 'x'}),
                Arguments.of("truncated ACK", new byte[] {0, 4, 0}),
                Arguments.of("truncated DATA", new byte[] {0, 3, 0}),
                Arguments.of("DATA beyond the largest block", oversizeData()));
    }

    static byte[] oversizeData() {
        byte[] b = new byte[4 + Data.MAX_PAYLOAD + 1];
        b[1] = 3;
        b[3] = 1;
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedDatagramsAreDroppedWithoutAnException(String what, byte[] bytes) throws Exception {
        try (Wire.Log log = new Wire.Log()) {
            ch.writeInbound(Wire.raw(PEER, bytes));
            ch.checkException();
            assertThat(sent(ch)).as("no answer to a forged source").isNull();
            assertThat(log.lines()).as(what).anyMatch(l -> l.startsWith("tftp malformed packet dropped: peer=127.0.0.1:40000"))
                    .noneMatch(l -> l.startsWith("tftp listener:"));
        }
        // The socket goes on serving.
        ch.writeInbound(from(PEER, new ReadRequest("other.cfg", Mode.OCTET)));
        assertThat(((Data) sentTo(ch, PEER)).block()).isEqualTo(1);
        ch.writeInbound(from(PEER, new Ack(1)));
    }

    @Test
    void strayPacketsOnTheRequestSocketAreIgnored() throws Exception {
        try (Wire.Log log = new Wire.Log()) {
            ch.writeInbound(from(PEER, new Ack(1)));
            ch.writeInbound(from(PEER, new ErrorPacket(0, "late")));
            ch.writeInbound(from(PEER, new Data(3, java.nio.ByteBuffer.allocate(10))));
            assertThat(sent(ch)).isNull();
            assertThat(log.lines()).noneMatch(l -> l.startsWith("tftp listener:"));
        }
        assertThat(events.all(TransferFinished.class)).isEmpty();
    }

    @Test
    void aRepeatedRequestIsLeftToTheTransfersOwnRetransmission() throws Exception {
        ReadRequest rrq = new ReadRequest("boot.bin", Mode.OCTET);
        ch.writeInbound(from(PEER, rrq));
        assertThat(((Data) sentTo(ch, PEER)).block()).isEqualTo(1);
        ch.writeInbound(from(PEER, rrq));
        assertThat(sent(ch)).as("no second transfer").isNull();
        assertThat(server.activeTransfers()).isEqualTo(1);
        // The lost block goes again when its timer fires: virtual time on both clocks.
        clock.advance(Duration.ofSeconds(1));
        ch.advanceTimeBy(1, java.util.concurrent.TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(((Data) sentTo(ch, PEER)).block()).isEqualTo(1);
        ch.writeInbound(from(PEER, new Ack(1)));
        ch.writeInbound(from(PEER, new Ack(2)));
        TransferFinished done = events.all(TransferFinished.class).get(0);
        assertThat(done.outcome()).isEqualTo(TransferOutcome.COMPLETED);
        assertThat(done.retransmits()).isEqualTo(1);
    }

    @Test
    void aNewRequestFromTheSameClientPortSupersedesItsTransfer() throws Exception {
        ch.writeInbound(from(PEER, new ReadRequest("boot.bin", Mode.OCTET)));
        assertThat(Wire.payload(sentTo(ch, PEER))).hasSize(512);
        ch.writeInbound(from(PEER, new ReadRequest("other.cfg", Mode.OCTET)));
        assertThat(Wire.payload(sentTo(ch, PEER))).isEqualTo("other\n".getBytes());
        ch.runPendingTasks();
        assertThat(sentTo(ch, PEER)).isEqualTo(new ErrorPacket(0, "superseded by a new request"));
        TransferFinished old = events.all(TransferFinished.class).get(0);
        assertThat(old.file()).isEqualTo("boot.bin");
        assertThat(old.detail()).isEqualTo("superseded by a new request");
        assertThat(server.activeTransfers()).isEqualTo(1);
        ch.writeInbound(from(PEER, new Ack(1)));
        assertThat(events.all(TransferFinished.class).get(1).outcome()).isEqualTo(TransferOutcome.COMPLETED);
    }
}
