package org.sparetire.tftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.event.TransferProgress;
import org.sparetire.tftp.TftpConfig;
import org.sparetire.tftp.TftpConfigBuilder;
import org.sparetire.tftp.codec.Ack;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.ErrorPacket;
import org.sparetire.tftp.codec.Mode;
import org.sparetire.tftp.codec.OptionAck;
import org.sparetire.tftp.codec.ReadRequest;
import org.sparetire.tftp.codec.TftpPacket;
import org.sparetire.tftp.codec.WriteRequest;
import org.sparetire.tftp.policy.ExistingUpload;

/** Corner cases on real loopback sockets, driven packet by packet. */
class ProtocolBehaviourIT {
    @TempDir
    Path dir;
    Path root;
    byte[] image;

    @BeforeEach
    void files() throws Exception {
        root = Files.createDirectories(dir.resolve("root"));
        image = new byte[512 * 10 + 100];
        new Random(2).nextBytes(image);
        Files.write(root.resolve("image.bin"), image);
    }

    InetSocketAddress server(RunningServer s) {
        return new InetSocketAddress("127.0.0.1", s.port());
    }

    static TftpConfigBuilder fast(TftpConfigBuilder c) {
        return c.withRetransmit(Duration.ofMillis(100), 2, TftpConfig.Rollover.ZERO);
    }

    @Test
    void eachTransferHasItsOwnTidAndAStrangerGetsErrorFive() throws Exception {
        try (RunningServer s = new RunningServer(root, c -> c); RawPeer client = new RawPeer();
             RawPeer stranger = new RawPeer()) {
            client.send(new ReadRequest("image.bin", Mode.OCTET), server(s));
            TftpPacket first = client.receive();
            InetSocketAddress tid = client.lastFrom;
            assertThat(first).isInstanceOf(Data.class);
            assertThat(tid.getPort()).as("new TID").isNotEqualTo(s.port());
            stranger.send(new Ack(1), tid);
            assertThat(stranger.receive()).isEqualTo(new ErrorPacket(5, "unknown transfer ID"));
            for (int block = 1; block <= 11; block++) {
                client.send(new Ack(block), tid);
                if (block < 11) {
                    assertThat(((Data) client.receiveAfter(block)).block()).isEqualTo(block + 1);
                }
            }
            assertThat(s.events.await(TransferFinished.class, Duration.ofSeconds(5)).outcome())
                    .isEqualTo(TransferOutcome.COMPLETED);
        }
    }

    @Test
    void singlePortModeAnswersFromTheListeningPort() throws Exception {
        try (RunningServer s = new RunningServer(root,
                c -> c.withTransfers(true, TftpConfig.PortRange.ANY, 1468, 64)); RawPeer a = new RawPeer();
             RawPeer b = new RawPeer()) {
            a.send(new ReadRequest("image.bin", Mode.OCTET), server(s));
            b.send(new ReadRequest("image.bin", Mode.OCTET, Map.of("blksize", "1024")), server(s));
            assertThat(((Data) a.receive()).length()).isEqualTo(512);
            assertThat(a.lastFrom.getPort()).isEqualTo(s.port());
            assertThat(b.receive()).isEqualTo(new OptionAck(Map.of("blksize", "1024")));
            assertThat(b.lastFrom.getPort()).isEqualTo(s.port());
            b.send(new Ack(0), server(s));
            assertThat(((Data) b.receive()).length()).isEqualTo(1024);
            a.send(new Ack(1), server(s));
            assertThat(((Data) a.receive()).block()).isEqualTo(2);
            assertThat(s.service.activeTransfers()).isEqualTo(2);
        }
    }

    @Test
    void transfersUseTheConfiguredPortRange() throws Exception {
        int lo = twoFreePorts();
        try (RunningServer s = new RunningServer(root,
                c -> c.withTransfers(false, new TftpConfig.PortRange(lo, lo + 1), 1468, 64));
             RawPeer a = new RawPeer(); RawPeer b = new RawPeer(); RawPeer c3 = new RawPeer()) {
            a.send(new ReadRequest("image.bin", Mode.OCTET), server(s));
            a.receive();
            b.send(new ReadRequest("image.bin", Mode.OCTET), server(s));
            b.receive();
            assertThat(List.of(a.lastFrom.getPort(), b.lastFrom.getPort())).containsExactlyInAnyOrder(lo, lo + 1);
            c3.send(new ReadRequest("image.bin", Mode.OCTET), server(s));
            assertThat(c3.receive()).isEqualTo(new ErrorPacket(0, "busy: no free transfer port"));
        }
    }

    /** The first of two consecutive free UDP ports on 127.0.0.1. */
    static int twoFreePorts() throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (java.net.DatagramSocket a = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                int p = a.getLocalPort();
                if (p >= 65535) {
                    continue;
                }
                try (java.net.DatagramSocket b = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", p + 1))) {
                    return p;
                } catch (java.net.BindException taken) {
                    // try another pair
                }
            }
        }
        throw new AssertionError("no two consecutive free ports");
    }

    @Test
    void clientOverItsLimitIsToldBusy() throws Exception {
        try (RunningServer s = new RunningServer(root, c -> c.withLimitsAndAccess(
                new TftpConfig.Limits(100, 1, 100, 100), c.access())); RawPeer a = new RawPeer();
             RawPeer a2 = new RawPeer()) {
            a.send(new ReadRequest("image.bin", Mode.OCTET), server(s));
            a.receive();
            a2.send(new ReadRequest("image.bin", Mode.OCTET), server(s));
            assertThat(a2.receive()).isEqualTo(new ErrorPacket(0, "busy, try again later"));
        }
    }

    @Test
    void requestFloodIsDroppedNotAnswered() throws Exception {
        try (RunningServer s = new RunningServer(root, c -> c.withLimitsAndAccess(
                new TftpConfig.Limits(100, 100, 1, 3), c.access())); RawPeer a = new RawPeer()) {
            for (int i = 0; i < 10; i++) {
                a.send(new ReadRequest("missing-" + i, Mode.OCTET), server(s));
            }
            int answers = 0;
            while (a.receiveWithin(Duration.ofMillis(300)) != null) {
                answers++;
            }
            assertThat(answers).isEqualTo(3);
        }
    }

    @Test
    void repeatedRequestDoesNotStartASecondTransfer() throws Exception {
        try (RunningServer s = new RunningServer(root, c -> c); RawPeer a = new RawPeer()) {
            ReadRequest rrq = new ReadRequest("image.bin", Mode.OCTET, Map.of("tsize", "0"));
            a.send(rrq, server(s));
            a.send(rrq, server(s));
            assertThat(a.receive()).isInstanceOf(OptionAck.class);
            assertThat(a.receiveWithin(Duration.ofMillis(300))).as("no second OACK").isNull();
            assertThat(s.service.activeTransfers()).isEqualTo(1);
        }
    }

    @Test
    void uefiTsizeProbeIsAPeerAbortAndTheNextRequestFromTheSamePortWorks() throws Exception {
        try (RunningServer s = new RunningServer(root, c -> c); RawPeer a = new RawPeer()) {
            a.send(new ReadRequest("image.bin", Mode.OCTET, Map.of("tsize", "0")), server(s));
            assertThat(a.receive()).isEqualTo(new OptionAck(Map.of("tsize", Integer.toString(image.length))));
            a.send(new ErrorPacket(8, "tsize probe done"), a.lastFrom);
            TransferFinished probe = s.events.await(TransferFinished.class, Duration.ofSeconds(5));
            assertThat(probe.outcome()).isEqualTo(TransferOutcome.PEER_ABORTED);
            assertThat(probe.detail()).startsWith("peer declined the options");
            // Same source port, straight away: a new transfer (U-Boot and UEFI both do this).
            a.send(new ReadRequest("image.bin", Mode.OCTET, Map.of("blksize", "1468")), server(s));
            assertThat(a.receive()).isEqualTo(new OptionAck(Map.of("blksize", "1468")));
        }
    }

    @Test
    void peerThatVanishesIsCleanedUp() throws Exception {
        try (RunningServer s = new RunningServer(root, ProtocolBehaviourIT::fast); RawPeer a = new RawPeer()) {
            a.send(new ReadRequest("image.bin", Mode.OCTET), server(s));
            a.receive();
            TransferFinished f = s.events.await(TransferFinished.class, Duration.ofSeconds(5));
            assertThat(f.outcome()).isEqualTo(TransferOutcome.TIMED_OUT);
            assertThat(s.service.activeTransfers()).isZero();
            // The first DATA, two retransmissions, then ERROR 0: no more.
            assertThat(a.receive()).isInstanceOf(Data.class);
            assertThat(a.receive()).isInstanceOf(Data.class);
            assertThat(a.receive()).isEqualTo(new ErrorPacket(0, "transfer timed out"));
        }
    }

    @Test
    void interruptedUploadLeavesTheOldFileIntactAndNoTempFile() throws Exception {
        Path inbox = dir.resolve("inbox");
        Files.createDirectories(inbox);
        Files.writeString(inbox.resolve("sw1.cfg"), "known good config");
        try (RunningServer s = new RunningServer(root, c -> fast(c).withUploads(new TftpConfig.Uploads(true, inbox,
                ExistingUpload.OVERWRITE, 1 << 20, List.of(), List.of()))); RawPeer a = new RawPeer()) {
            a.send(new WriteRequest("sw1.cfg", Mode.OCTET), server(s));
            assertThat(a.receive()).isEqualTo(new Ack(0));
            a.send(Data.of(1, new byte[512]), a.lastFrom);
            assertThat(a.receive()).isEqualTo(new Ack(1));
            // ... and the device loses power.
            TransferFinished f = s.events.await(TransferFinished.class, Duration.ofSeconds(5));
            assertThat(f.outcome()).isEqualTo(TransferOutcome.TIMED_OUT);
            assertThat(Files.readString(inbox.resolve("sw1.cfg"))).isEqualTo("known good config");
            try (Stream<Path> files = Files.list(inbox)) {
                assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("sw1.cfg");
            }
        }
    }

    @Test
    void oversizedUploadIsErrorThreeBeforeAndDuring() throws Exception {
        Path inbox = dir.resolve("inbox");
        try (RunningServer s = new RunningServer(root, c -> c.withUploads(new TftpConfig.Uploads(true, inbox,
                ExistingUpload.OVERWRITE, 1000, List.of(), List.of()))); RawPeer a = new RawPeer()) {
            a.send(new WriteRequest("big.bin", Mode.OCTET, Map.of("tsize", "5000")), server(s));
            assertThat(a.receive()).isEqualTo(new ErrorPacket(3, "file too large"));
            a.send(new WriteRequest("big.bin", Mode.OCTET), server(s));
            assertThat(a.receive()).isEqualTo(new Ack(0));
            InetSocketAddress tid = a.lastFrom;
            a.send(Data.of(1, new byte[512]), tid);
            a.receive();
            a.send(Data.of(2, new byte[512]), tid);
            assertThat(a.receive()).isEqualTo(new ErrorPacket(3, "file too large"));
            assertThat(Files.exists(inbox.resolve("big.bin"))).isFalse();
        }
    }

    @Test
    void mailModeIsRefusedClearly() throws Exception {
        try (RunningServer s = new RunningServer(root, c -> c); RawPeer a = new RawPeer()) {
            a.send(new ReadRequest("image.bin", Mode.MAIL), server(s));
            assertThat(a.receive()).isEqualTo(new ErrorPacket(4, "mail mode is not supported"));
        }
    }

    @Test
    void malformedRequestsAreDroppedAndTheServerKeepsServing() throws Exception {
        try (RunningServer s = new RunningServer(root, c -> c); RawPeer a = new RawPeer()) {
            a.sendRaw(new byte[] {0, 1, 'x'}, server(s));
            a.sendRaw(new byte[] {0, 9}, server(s));
            a.sendRaw(new byte[0], server(s));
            assertThat(a.receiveWithin(Duration.ofMillis(200))).isNull();
            a.send(new ReadRequest("image.bin", Mode.OCTET), server(s));
            assertThat(a.receive()).isInstanceOf(Data.class);
        }
    }

    @Test
    void windowedTransferRollsBackOnAGap() throws Exception {
        try (RunningServer s = new RunningServer(root, c -> c); RawPeer a = new RawPeer()) {
            a.send(new ReadRequest("image.bin", Mode.OCTET, Map.of("windowsize", "4")), server(s));
            assertThat(a.receive()).isEqualTo(new OptionAck(Map.of("windowsize", "4")));
            a.send(new Ack(0), a.lastFrom);
            for (int i = 1; i <= 4; i++) {
                assertThat(((Data) a.receive()).block()).isEqualTo(i);
            }
            a.send(new Ack(2), a.lastFrom); // 3 and 4 "lost"
            // The window may have been resent (1-4) before ACK 2 arrived; then comes 3, 4, 5, 6 in one go.
            List<Integer> seen = new java.util.ArrayList<>();
            while (seen.size() < 40 && !seen.contains(6)) {
                seen.add(((Data) a.receive()).block());
            }
            assertThat(seen.subList(seen.size() - 4, seen.size())).containsExactly(3, 4, 5, 6);
        }
    }

    @Test
    void servesIpv6Clients() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (RunningServer s = new RunningServer(root, c -> c.withBind(v6, 0));
             RawPeer a = new RawPeer(InetAddress.getByName("::1"))) {
            a.send(new ReadRequest("image.bin", Mode.OCTET), new InetSocketAddress("::1", s.port()));
            Data d = (Data) a.receive();
            assertThat(d.block()).isEqualTo(1);
            assertThat(a.lastFrom.getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        }
    }

    @Test
    void dualStackBindServesIpv4AndIpv6() throws Exception {
        InetAddress any6 = InetAddress.getByName("::");
        try (RunningServer s = new RunningServer(root, c -> c.withBind(any6, 0)); RawPeer v4 = new RawPeer();
             RawPeer v6 = new RawPeer(InetAddress.getByName("::1"))) {
            v4.send(new ReadRequest("image.bin", Mode.OCTET), new InetSocketAddress("127.0.0.1", s.port()));
            assertThat(((Data) v4.receive()).block()).isEqualTo(1);
            assertThat(v4.lastFrom.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            v6.send(new ReadRequest("image.bin", Mode.OCTET), new InetSocketAddress("::1", s.port()));
            assertThat(((Data) v6.receive()).block()).isEqualTo(1);
        }
    }

    @Test
    void clientsListedInNoOptionsForGetPlainRfc1350() throws Exception {
        try (RunningServer s = new RunningServer(root,
                c -> c.withNoOptionsFor(List.of(org.sparetire.core.net.Cidr.parse("127.0.0.0/8"))));
             RawPeer a = new RawPeer()) {
            a.send(new ReadRequest("image.bin", Mode.OCTET, Map.of("blksize", "1024", "tsize", "0")), server(s));
            Data d = (Data) a.receive();
            assertThat(d.block()).as("DATA 1, no OACK").isEqualTo(1);
            assertThat(d.length()).isEqualTo(512);
        }
    }

    @Test
    void fileTruncatedWhileBeingSentAbortsInsteadOfSendingAShortImage() throws Exception {
        Path big = root.resolve("big.bin");
        Files.write(big, new byte[3 * 65464 + 10]);
        try (RunningServer s = new RunningServer(root, c -> c.withTransfers(false, TftpConfig.PortRange.ANY, 65464, 64));
             RawPeer a = new RawPeer()) {
            a.send(new ReadRequest("big.bin", Mode.OCTET, Map.of("blksize", "65464")), server(s));
            assertThat(a.receive()).isInstanceOf(OptionAck.class);
            a.send(new Ack(0), a.lastFrom);
            assertThat(((Data) a.receive()).length()).isEqualTo(65464);
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(big,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(1000);
            }
            a.send(new Ack(1), a.lastFrom);
            // Block 2 was read ahead while we held ACK 1, before the cut: it may still come, whole. The
            // block after it cannot be read, and the transfer ends in an error, never in a short image.
            var next = a.receiveAfter(1);
            if (next instanceof Data d) {
                assertThat(d.block()).isEqualTo(2);
                assertThat(d.length()).as("read before the cut, so whole").isEqualTo(65464);
                a.send(new Ack(2), a.lastFrom);
                next = a.receiveAfter(2);
            }
            assertThat(next).isEqualTo(new ErrorPacket(0, "file changed while being sent"));
            TransferFinished f = s.events.await(TransferFinished.class, Duration.ofSeconds(5));
            assertThat(f.outcome()).isEqualTo(TransferOutcome.FAILED);
        }
    }

    @Test
    void progressEventsAreRateLimited() throws Exception {
        try (RunningServer s = new RunningServer(root, c -> c); RawPeer a = new RawPeer()) {
            long start = System.nanoTime();
            a.send(new ReadRequest("image.bin", Mode.OCTET), server(s));
            for (int block = 1; block <= 11; block++) {
                a.receiveAfter(block - 1);
                a.send(new Ack(block), a.lastFrom);
            }
            s.events.await(TransferFinished.class, Duration.ofSeconds(5));
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            // At most one per second, however slow the machine: never one per block (11).
            assertThat(s.events.all(TransferProgress.class).size()).isLessThanOrEqualTo((int) seconds);
        }
    }
}
