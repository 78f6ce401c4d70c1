package org.sparetire.tftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.tftp.TftpConfig;
import org.sparetire.tftp.codec.Ack;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.ErrorPacket;
import org.sparetire.tftp.codec.Mode;
import org.sparetire.tftp.codec.ReadRequest;
import org.sparetire.tftp.codec.TftpPacket;
import org.sparetire.tftp.codec.WriteRequest;
import org.sparetire.tftp.policy.AccessRules;
import org.sparetire.tftp.policy.ExistingUpload;
import org.sparetire.tftp.policy.SymlinkPolicy;

/** Requests from a client that means harm, on real loopback sockets. */
class HostileRequestsIT {
    @TempDir
    Path dir;

    @Test
    void uploadNamesWithShellCharactersAreRefusedAndTheLongestAllowedNameIsStored() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path inbox = dir.resolve("inbox");
        try (RunningServer s = new RunningServer(root, c -> c.withUploads(new TftpConfig.Uploads(true, inbox,
                ExistingUpload.OVERWRITE, 1 << 20, List.of(), List.of()))); RawPeer a = new RawPeer()) {
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", s.port());
            for (String name : List.of("$(id)", "|id", "*", "`id`")) {
                a.send(new WriteRequest(name, Mode.OCTET), server);
                assertThat(a.receive()).as(name).isEqualTo(
                        new ErrorPacket(2, "upload names may use only letters, digits, '.', '_' and '-'"));
            }
            String longest = "c".repeat(251) + ".cfg";
            a.send(new WriteRequest(longest, Mode.OCTET), server);
            assertThat(a.receive()).isEqualTo(new Ack(0));
            a.send(Data.of(1, "hostname sw1\n".getBytes()), a.lastFrom);
            assertThat(a.receive()).isEqualTo(new Ack(1));
            assertThat(Files.readString(inbox.resolve(longest))).isEqualTo("hostname sw1\n");
            try (Stream<Path> files = Files.list(inbox)) {
                assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(longest);
            }
        }
    }

    /**
     * A user who may write into the root flips one name between a file and a symlink out of the root while
     * a client downloads that name over and over: the check and the open must agree on what was opened.
     */
    @Test
    void aNameFlippingToASymlinkOutOfTheRootNeverServesAnOutsideByte() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path outside = Files.writeString(dir.resolve("shadow"), "OUTSIDE-SECRET");
        Path file = Files.writeString(root.resolve("flip.file"), "inside");
        Files.createSymbolicLink(root.resolve("flip.link"), outside);
        Files.createSymbolicLink(root.resolve("flip.inner"), root.resolve("flip.file"));
        Files.copy(file, root.resolve("flip"));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong flips = new AtomicLong();
        Thread flipper = new Thread(() -> {
            try {
                while (!stop.get()) {
                    // rename(2) over the name is atomic: the name always exists, as a file, then a link.
                    Files.copy(file, root.resolve("flip.tmp"), StandardCopyOption.REPLACE_EXISTING);
                    Files.move(root.resolve("flip.tmp"), root.resolve("flip"), StandardCopyOption.ATOMIC_MOVE);
                    Files.createSymbolicLink(root.resolve("flip.tmp"), outside);
                    Files.move(root.resolve("flip.tmp"), root.resolve("flip"), StandardCopyOption.ATOMIC_MOVE);
                    flips.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "symlink-flipper");
        int attempts = 5000;
        int inside = 0;
        int refused = 0;
        int leaked = 0;
        long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        // Ten thousand transfer lines say nothing here; the counts below do.
        ch.qos.logback.classic.Logger transfers =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.sparetire.tftp");
        ch.qos.logback.classic.Level level = transfers.getLevel();
        transfers.setLevel(ch.qos.logback.classic.Level.WARN);
        try {
            for (SymlinkPolicy policy : SymlinkPolicy.values()) {
                try (RunningServer s = new RunningServer(root, c -> c.withNaming(policy, false, List.of(), List.of())
                        .withLimitsAndAccess(new TftpConfig.Limits(256, 8, 0, 40),
                                new AccessRules(AccessRules.EVERYONE, AccessRules.EVERYONE)))) {
                    if (policy == SymlinkPolicy.INSIDE_ROOT) {
                        flipper.start();
                    }
                    InetSocketAddress server = new InetSocketAddress("127.0.0.1", s.port());
                    for (int i = 0; i < attempts && System.nanoTime() - until < 0; i++) {
                        // A new port each time, as clients do: each download is a transfer of its own.
                        try (RawPeer a = new RawPeer()) {
                            String got = download(a, server, "flip");
                            if (got == null) {
                                refused++;
                            } else if (got.equals("inside")) {
                                inside++;
                            } else {
                                leaked++;
                            }
                        }
                    }
                }
            }
        } finally {
            transfers.setLevel(level);
            stop.set(true);
            flipper.join();
        }
        assertThat(leaked).as("downloads that returned the outside file (%d served, %d refused, %d flips)",
                inside, refused, flips.get()).isZero();
        assertThat(inside).as("the file was served while it was one").isPositive();
        assertThat(refused).as("the link was refused while it was one").isPositive();
    }

    /** The file's text, or null when the server refused. */
    private static String download(RawPeer a, InetSocketAddress server, String name) throws Exception {
        a.send(new ReadRequest(name, Mode.OCTET), server);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (true) {
            TftpPacket p = a.receive();
            if (p instanceof ErrorPacket) {
                return null;
            }
            Data d = (Data) p;
            byte[] bytes = new byte[d.length()];
            d.payload().duplicate().get(bytes);
            got.write(bytes);
            a.send(new Ack(d.block()), a.lastFrom);
            if (bytes.length < 512) {
                return got.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
