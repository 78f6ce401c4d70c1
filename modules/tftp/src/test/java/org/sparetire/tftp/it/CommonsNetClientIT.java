package org.sparetire.tftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.net.tftp.TFTP;
import org.apache.commons.net.tftp.TFTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.event.TransferDirection;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.event.TransferStarted;

/** Apache commons-net's TFTPClient (an independent Java implementation) against the real service. */
class CommonsNetClientIT {
    @TempDir
    Path dir;

    static TFTPClient client() throws IOException {
        TFTPClient c = new TFTPClient();
        c.setDefaultTimeout(Duration.ofSeconds(2));
        c.open();
        return c;
    }

    @Test
    void downloadsSmallExactAndLargeFiles() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Random random = new Random(1);
        int[] sizes = {0, 1, 511, 512, 513, 1024, 300_000};
        for (int size : sizes) {
            byte[] b = new byte[size];
            random.nextBytes(b);
            Files.write(root.resolve("f" + size), b);
        }
        try (RunningServer server = new RunningServer(root, c -> c)) {
            for (int size : sizes) {
                TFTPClient c = client();
                try {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    c.receiveFile("f" + size, TFTP.BINARY_MODE, out, InetAddress.getLoopbackAddress(), server.port());
                    assertThat(RunningServer.sha256(out.toByteArray())).as("size " + size)
                            .isEqualTo(RunningServer.sha256(Files.readAllBytes(root.resolve("f" + size))));
                } finally {
                    c.close();
                }
            }
            TransferFinished last = server.events.await(TransferFinished.class,
                    e -> e.file().equals("f300000"), Duration.ofSeconds(5));
            assertThat(last.outcome()).isEqualTo(TransferOutcome.COMPLETED);
            assertThat(last.bytes()).isEqualTo(300_000);
            assertThat(last.direction()).isEqualTo(TransferDirection.READ);
            assertThat(server.events.all(TransferStarted.class)).hasSize(sizes.length);
        }
    }

    @Test
    void netasciiDownloadTranslatesLineEnds() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("notes.txt"), "line one\nline two\n");
        try (RunningServer server = new RunningServer(root, c -> c)) {
            TFTPClient c = client();
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                // commons-net translates netascii back to the local line separator.
                c.receiveFile("notes.txt", TFTP.ASCII_MODE, out, InetAddress.getLoopbackAddress(), server.port());
                assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("line one\nline two\n");
            } finally {
                c.close();
            }
        }
    }

    @Test
    void missingFileIsErrorOneAndRefusedEvent() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        try (RunningServer server = new RunningServer(root, c -> c)) {
            TFTPClient c = client();
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () ->
                        c.receiveFile("nope.bin", TFTP.BINARY_MODE, out, InetAddress.getLoopbackAddress(), server.port()));
                assertThat(e.getMessage()).contains("file not found").doesNotContain(root.toString());
            } finally {
                c.close();
            }
            TransferFinished f = server.events.await(TransferFinished.class, Duration.ofSeconds(5));
            assertThat(f.outcome()).isEqualTo(TransferOutcome.REFUSED);
            assertThat(f.detail()).isEqualTo("file not found");
        }
    }

    @Test
    void uploadLandsInTheInboxAsAVersion() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path inbox = dir.resolve("backups");
        byte[] config = new byte[5000];
        new Random(3).nextBytes(config);
        try (RunningServer server = new RunningServer(root, c -> c.withUploads(
                new org.sparetire.tftp.TftpConfig.Uploads(true, inbox,
                        org.sparetire.tftp.policy.ExistingUpload.KEEP_VERSIONS, 1 << 20, List.of(), List.of())))) {
            TFTPClient c = client();
            try {
                c.sendFile("switch.cfg", TFTP.BINARY_MODE, new ByteArrayInputStream(config),
                        InetAddress.getLoopbackAddress(), server.port());
            } finally {
                c.close();
            }
            TransferFinished f = server.events.await(TransferFinished.class, Duration.ofSeconds(5));
            assertThat(f.outcome()).isEqualTo(TransferOutcome.COMPLETED);
            assertThat(f.direction()).isEqualTo(TransferDirection.WRITE);
            try (Stream<Path> s = Files.list(inbox.resolve("127.0.0.1"))) {
                List<Path> files = s.toList();
                assertThat(files).hasSize(1);
                assertThat(files.get(0).getFileName().toString()).matches("switch\\.cfg\\.\\d{8}T\\d{6}Z");
                assertThat(Files.readAllBytes(files.get(0))).isEqualTo(config);
                // The operator is told where the version went; the client never is.
                assertThat(f.savedAs()).isEqualTo(files.get(0));
            }
        }
    }

    @Test
    void uploadsAreRefusedByDefault() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        try (RunningServer server = new RunningServer(root, c -> c)) {
            TFTPClient c = client();
            try {
                IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () ->
                        c.sendFile("x.cfg", TFTP.BINARY_MODE, new ByteArrayInputStream(new byte[10]),
                                InetAddress.getLoopbackAddress(), server.port()));
                assertThat(e.getMessage()).contains("access violation");
            } finally {
                c.close();
            }
            assertThat(server.events.await(TransferFinished.class, Duration.ofSeconds(5)).detail())
                    .isEqualTo("uploads are disabled");
        }
    }
}
