package org.sparetire.tftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.testkit.PeerProgram;
import org.sparetire.tftp.TftpConfig;
import org.sparetire.tftp.policy.ExistingUpload;

/**
 * Real clients nobody here wrote, against the real service on loopback: curl, tftp-hpa, atftp and
 * busybox. A missing client fails the test (scripts/test installs them). Every download is checked by
 * SHA-256 against the file on disk.
 */
class PeerClientsIT {
    static final Duration LIMIT = Duration.ofSeconds(60);
    @TempDir
    static Path dir;
    static Path root;
    static Path inbox;
    static RunningServer server;
    static String imageSha;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(dir.resolve("root"));
        inbox = dir.resolve("inbox");
        byte[] image = new byte[3 * 1024 * 1024 + 1234];
        new Random(11).nextBytes(image);
        Files.write(root.resolve("image.bin"), image);
        imageSha = RunningServer.sha256(image);
        Files.createDirectories(root.resolve("boot"));
        Files.writeString(root.resolve("boot/notes.txt"), "first line\nsecond line\n\nbare\rcr\n");
        server = new RunningServer(root, c -> c.withTransfers(false, TftpConfig.PortRange.ANY, 65464, 64)
                .withUploads(new TftpConfig.Uploads(true, inbox, ExistingUpload.OVERWRITE, 64L << 20, List.of(),
                        List.of())));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String url(String name) {
        return "tftp://127.0.0.1:" + server.port() + "/" + name;
    }

    static String port() {
        return Integer.toString(server.port());
    }

    static String sha(Path p) throws Exception {
        return RunningServer.sha256(Files.readAllBytes(p));
    }

    /** Every test shares the server: an event another test caused must not satisfy this one's wait. */
    @BeforeEach
    void forgetEarlierTransfers() {
        server.events.clear();
    }

    @ParameterizedTest(name = "curl --tftp-blksize {0}")
    @ValueSource(ints = {512, 1468, 65464})
    void curlDownloadsWithEachBlockSize(int blksize) throws Exception {
        Path curl = PeerProgram.require("curl", "curl");
        Path out = dir.resolve("curl-" + blksize + ".bin");
        PeerProgram.run(LIMIT, curl.toString(), "-sS", "--tftp-blksize", Integer.toString(blksize), "-o", out.toString(),
                url("image.bin")).assertSuccess();
        assertThat(sha(out)).isEqualTo(imageSha);
        TransferFinished f = server.events.await(TransferFinished.class,
                e -> e.file().equals("image.bin") && e.options().getOrDefault("blksize", "512").equals(
                        Integer.toString(blksize)), Duration.ofSeconds(5));
        assertThat(f.outcome()).isEqualTo(TransferOutcome.COMPLETED);
        assertThat(f.options()).containsEntry("tsize", Long.toString(Files.size(root.resolve("image.bin"))));
    }

    @Test
    void curlUploadsIntoTheInbox() throws Exception {
        Path curl = PeerProgram.require("curl", "curl");
        Path local = dir.resolve("curl-up.bin");
        byte[] data = new byte[200_000];
        new Random(5).nextBytes(data);
        Files.write(local, data);
        PeerProgram.run(LIMIT, curl.toString(), "-sS", "-T", local.toString(), url("curl-up.bin")).assertSuccess();
        assertThat(Files.readAllBytes(inbox.resolve("curl-up.bin"))).isEqualTo(data);
    }

    @Test
    void tftpHpaGetsAndPutsInOctetAndNetascii() throws Exception {
        Path tftp = PeerProgram.require("tftp", "tftp-hpa");
        Path out = dir.resolve("hpa.bin");
        PeerProgram.run(LIMIT, tftp.toString(), "-m", "octet", "127.0.0.1", port(), "-c", "get", "image.bin",
                out.toString()).assertSuccess();
        assertThat(sha(out)).isEqualTo(imageSha);

        Path text = dir.resolve("hpa-notes.txt");
        PeerProgram.run(LIMIT, tftp.toString(), "-m", "netascii", "127.0.0.1", port(), "-c", "get", "boot/notes.txt",
                text.toString()).assertSuccess();
        assertThat(Files.readString(text)).isEqualTo("first line\nsecond line\n\nbare\rcr\n");

        Path up = dir.resolve("hpa-up.txt");
        Files.writeString(up, "hostname sw1\r\ninterface x\nend\n");
        PeerProgram.run(LIMIT, tftp.toString(), "-m", "netascii", "127.0.0.1", port(), "-c", "put", up.toString(),
                "hpa-up.txt").assertSuccess();
        assertThat(Files.readString(inbox.resolve("hpa-up.txt"))).isEqualTo("hostname sw1\r\ninterface x\nend\n");

        PeerProgram.run(LIMIT, tftp.toString(), "-m", "octet", "127.0.0.1", port(), "-c", "put",
                root.resolve("image.bin").toString(), "hpa-image.bin").assertSuccess();
        assertThat(sha(inbox.resolve("hpa-image.bin"))).isEqualTo(imageSha);
    }

    @ParameterizedTest(name = "atftp windowsize {0}")
    @ValueSource(ints = {1, 4, 16, 64})
    void atftpDownloadsWithWindows(int window) throws Exception {
        Path atftp = PeerProgram.require("atftp", "atftp");
        Path out = dir.resolve("atftp-" + window + ".bin");
        PeerProgram.run(LIMIT, atftp.toString(), "--option", "blksize 1468", "--option", "windowsize " + window,
                "--option", "tsize 0", "-g", "-r", "image.bin", "-l", out.toString(), "127.0.0.1", port())
                .assertSuccess();
        assertThat(sha(out)).isEqualTo(imageSha);
        TransferFinished f = server.events.await(TransferFinished.class,
                e -> e.file().equals("image.bin") && Integer.toString(window).equals(e.options().get("windowsize")),
                Duration.ofSeconds(5));
        assertThat(f.outcome()).isEqualTo(TransferOutcome.COMPLETED);
        assertThat(f.options()).containsEntry("blksize", "1468");
    }

    @Test
    void atftpUploads() throws Exception {
        Path atftp = PeerProgram.require("atftp", "atftp");
        PeerProgram.run(LIMIT, atftp.toString(), "--option", "blksize 8192", "-p", "-r", "atftp-up.bin", "-l",
                root.resolve("image.bin").toString(), "127.0.0.1", port()).assertSuccess();
        assertThat(sha(inbox.resolve("atftp-up.bin"))).isEqualTo(imageSha);
    }

    @Test
    void atftpUploadsWithAWindow() throws Exception {
        Path atftp = PeerProgram.require("atftp", "atftp");
        PeerProgram.run(LIMIT, atftp.toString(), "--option", "blksize 1468", "--option", "windowsize 8", "-p", "-r",
                "atftp-win.bin", "-l", root.resolve("image.bin").toString(), "127.0.0.1", port()).assertSuccess();
        assertThat(sha(inbox.resolve("atftp-win.bin"))).isEqualTo(imageSha);
        TransferFinished f = server.events.await(TransferFinished.class,
                e -> e.file().equals("atftp-win.bin"), Duration.ofSeconds(5));
        assertThat(f.options()).containsEntry("windowsize", "8");
    }

    @ParameterizedTest(name = "busybox tftp -b {0}")
    @ValueSource(ints = {512, 1468, 8192})
    void busyboxGetsAndPuts(int blksize) throws Exception {
        Path busybox = PeerProgram.require("busybox", "busybox");
        Path out = dir.resolve("bb-" + blksize + ".bin");
        PeerProgram.run(LIMIT, busybox.toString(), "tftp", "-g", "-b", Integer.toString(blksize), "-r", "image.bin",
                "-l", out.toString(), "127.0.0.1", port()).assertSuccess();
        assertThat(sha(out)).isEqualTo(imageSha);
        PeerProgram.run(LIMIT, busybox.toString(), "tftp", "-p", "-b", Integer.toString(blksize), "-r",
                "bb-up-" + blksize + ".bin", "-l", out.toString(), "127.0.0.1", port()).assertSuccess();
        assertThat(sha(inbox.resolve("bb-up-" + blksize + ".bin"))).isEqualTo(imageSha);
    }

    @Test
    void traversalAttemptsFromARealClientGetNothing() throws Exception {
        Path curl = PeerProgram.require("curl", "curl");
        Files.writeString(dir.resolve("secret.txt"), "outside the root");
        for (String name : List.of("../secret.txt", "..%2fsecret.txt", "boot/../../secret.txt")) {
            Path out = dir.resolve("stolen");
            Files.deleteIfExists(out);
            PeerProgram.Result r = PeerProgram.run(LIMIT, curl.toString(), "-sS", "--path-as-is", "-o", out.toString(),
                    url(name));
            assertThat(r.exitCode()).as(name).isNotZero();
            assertThat(r.stderr()).doesNotContain(dir.toString());
            assertThat(!Files.exists(out) || Files.size(out) == 0).as(name).isTrue();
        }
    }

    @Test
    void nothingIsLeftHalfWrittenInTheInbox() throws Exception {
        // Its own uploads, one from each client, so it checks the same thing whatever ran before it.
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        Path local = dir.resolve("whole.bin");
        Files.write(local, data);
        String l = local.toString();
        PeerProgram.run(LIMIT, PeerProgram.require("curl", "curl").toString(), "-sS", "-T", l, url("whole-curl.bin"))
                .assertSuccess();
        PeerProgram.run(LIMIT, PeerProgram.require("tftp", "tftp-hpa").toString(), "-m", "octet", "127.0.0.1", port(),
                "-c", "put", l, "whole-hpa.bin").assertSuccess();
        PeerProgram.run(LIMIT, PeerProgram.require("atftp", "atftp").toString(), "-p", "-r", "whole-atftp.bin", "-l", l,
                "127.0.0.1", port()).assertSuccess();
        PeerProgram.run(LIMIT, PeerProgram.require("busybox", "busybox").toString(), "tftp", "-p", "-r",
                "whole-bb.bin", "-l", l, "127.0.0.1", port()).assertSuccess();
        for (String name : List.of("whole-curl.bin", "whole-hpa.bin", "whole-atftp.bin", "whole-bb.bin")) {
            assertThat(Files.readAllBytes(inbox.resolve(name))).as(name).isEqualTo(data);
        }
        // Uploads are written to hidden temporary files (.part-...) and renamed when whole.
        try (Stream<Path> s = Files.walk(inbox)) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith(".")).toList()).isEmpty();
        }
    }
}
