package org.sparetire.tftp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparetire.testkit.PeerProgram;
import org.sparetire.tftp.TftpConfig;
import org.sparetire.tftp.client.TftpClient;
import org.sparetire.tftp.codec.Mode;
import org.sparetire.tftp.policy.ExistingUpload;

/** The built-in client against our server and against a server nobody here wrote (atftpd). */
class BuiltInClientIT {
    @TempDir
    Path dir;
    final TftpClient client = new TftpClient();

    byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * On epoll a window of equal blocks leaves as one segmented send (UDP GSO). These shapes cut it at each
     * of its edges: a short last block inside a window, an empty last block, windows longer than one send
     * may carry (64 KiB, 64 segments), and one block alone.
     */
    @ParameterizedTest(name = "blksize {0}, window {1}, {2} bytes")
    @CsvSource({
            "1468, 8, 1000000",     // the last window ends in a short block
            "1468, 8, 1174400",     // 800 full blocks: the last DATA is empty and travels alone
            "1468, 64, 3000001",    // 64 blocks of 1472 bytes exceed one 64 KiB send: split in two
            "8, 64, 100003",        // 64 tiny blocks: the segment-count limit
            "512, 16, 300",         // a single short block
    })
    void windowsOfEqualBlocksArriveWhole(int blksize, int window, int size) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        byte[] image = random(size, size);
        Files.write(root.resolve("w.bin"), image);
        try (RunningServer s = new RunningServer(root, c -> c)) {
            Path out = dir.resolve("w-out.bin");
            TftpClient.Result r = client.get(new InetSocketAddress("127.0.0.1", s.port()), "w.bin", out,
                    TftpClient.Options.defaults().withBlksize(blksize).withWindowsize(window));
            assertThat(r.negotiated()).containsEntry("windowsize", Integer.toString(window));
            assertThat(Files.readAllBytes(out)).isEqualTo(image);
        }
    }

    @Test
    void getAndPutAgainstOurServerWithEveryOption() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path inbox = dir.resolve("inbox");
        byte[] image = random(2_000_000, 1);
        Files.write(root.resolve("image.bin"), image);
        Files.writeString(root.resolve("notes.txt"), "a\nb\r\n");
        try (RunningServer s = new RunningServer(root, c -> c.withUploads(new TftpConfig.Uploads(true, inbox,
                ExistingUpload.OVERWRITE, 16 << 20, List.of(), List.of())))) {
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", s.port());
            Path out = dir.resolve("out.bin");
            TftpClient.Result r = client.get(server, "image.bin", out, TftpClient.Options.defaults()
                    .withBlksize(1468).withWindowsize(16).withTsize(true).withTimeout(Duration.ofSeconds(2), true));
            assertThat(Files.readAllBytes(out)).isEqualTo(image);
            assertThat(r.bytes()).isEqualTo(image.length);
            assertThat(r.negotiated()).containsExactly(Map.entry("blksize", "1468"), Map.entry("windowsize", "16"),
                    Map.entry("tsize", "2000000"), Map.entry("timeout", "2"));

            Path text = dir.resolve("notes.txt");
            client.get(server, "notes.txt", text, TftpClient.Options.defaults().withMode(Mode.NETASCII));
            assertThat(Files.readString(text)).isEqualTo("a\nb\r\n");

            client.put(server, out, "up.bin", TftpClient.Options.defaults().withBlksize(8192).withWindowsize(8)
                    .withTsize(true));
            assertThat(Files.readAllBytes(inbox.resolve("up.bin"))).isEqualTo(image);

            client.put(server, text, "up.txt", TftpClient.Options.defaults().withMode(Mode.NETASCII));
            assertThat(Files.readString(inbox.resolve("up.txt"))).isEqualTo("a\nb\r\n");

            assertThatThrownBy(() -> client.get(server, "missing", dir.resolve("m"), TftpClient.Options.defaults()))
                    .isInstanceOfSatisfying(TftpClient.TransferFailed.class, e -> {
                        assertThat(e.code()).isEqualTo(1);
                        assertThat(e.getMessage()).isEqualTo("server said: file not found (error 1)");
                    });
            assertThat(dir.resolve("m")).as("no partial file").doesNotExist();
        }
    }

    @Test
    void noAnswerFailsAfterTheRetries() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            TftpClient.Options o = TftpClient.Options.defaults().withTimeout(Duration.ofMillis(50), false);
            assertThatThrownBy(() -> client.get(new InetSocketAddress("127.0.0.1", silent.getLocalPort()), "x",
                    dir.resolve("x"), o)).isInstanceOf(TftpClient.TransferFailed.class).hasMessageStartingWith("no answer");
        }
    }

    @Test
    void getAndPutAgainstAtftpd() throws Exception {
        Path atftpd = PeerProgram.require("atftpd", "atftpd");
        Path root = Files.createDirectories(dir.resolve("srv"));
        // atftpd switches to the user and group it is given (nobody by default). Given the owner of the folder
        // it serves, it reads and writes there as this test does, and no permission outside the folder changes.
        PosixFileAttributes owner = Files.readAttributes(root, PosixFileAttributes.class);
        byte[] image = random(1_500_000, 2);
        Files.write(root.resolve("image.bin"), image);
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            port = probe.getLocalPort();
        }
        try (PeerProgram.Background daemon = PeerProgram.start(dir.resolve("atftpd.log"), atftpd.toString(),
                "--daemon", "--no-fork", "--port", Integer.toString(port), "--bind-address", "127.0.0.1",
                "--user", owner.owner().getName(), "--group", owner.group().getName(), "--logfile", "-",
                root.toString())) {
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
            Path out = dir.resolve("from-atftpd.bin");
            TftpClient.Result r = null;
            for (int attempt = 0; attempt < 50 && r == null; attempt++) {
                try {
                    r = client.get(server, "image.bin", out, TftpClient.Options.defaults().withBlksize(1468)
                            .withWindowsize(8).withTsize(true).withTimeout(Duration.ofMillis(200), false));
                } catch (TftpClient.TransferFailed e) {
                    assertThat(daemon.isAlive()).as(daemon.output()).isTrue(); // still starting up
                }
            }
            assertThat(r).as(daemon.output()).isNotNull();
            assertThat(Files.readAllBytes(out)).isEqualTo(image);
            assertThat(r.negotiated()).containsEntry("windowsize", "8").containsEntry("blksize", "1468");

            Files.writeString(root.resolve("upload.bin"), "");
            client.put(server, out, "upload.bin", TftpClient.Options.defaults().withBlksize(1024));
            // atftpd acknowledges the last block before it flushes its stdio buffer and closes the file:
            // wait (bounded) until it is whole, then compare every byte.
            Path uploaded = root.resolve("upload.bin");
            for (int i = 0; i < 100 && Files.size(uploaded) < image.length; i++) {
                Thread.sleep(50);
            }
            assertThat(Files.readAllBytes(uploaded)).isEqualTo(image);
        }
    }
}
