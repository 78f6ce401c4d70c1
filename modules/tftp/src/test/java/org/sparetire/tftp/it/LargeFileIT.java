package org.sparetire.tftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.testkit.PeerProgram;
import org.sparetire.tftp.TftpConfig;

/**
 * Files past block 65535: 40 MB at blksize 512 (81,921 blocks, the classic 32 MB wall) and a 5 GB sparse
 * file at blksize 65464 (past 4 GiB and past the 16-bit block counter). curl wraps block numbers to 0.
 */
class LargeFileIT {
    @TempDir
    Path dir;

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(4 << 20);
            while (ch.read(buf) > 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Markers at places a wrong offset would move: start, around 4 GiB, around block 65536, the end. */
    static void mark(Path file, long size) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
            Random r = new Random(9);
            for (long at : new long[] {0, 65535L * 65464 - 10, 65536L * 65464 + 7, (4L << 30) - 3, size - 100}) {
                byte[] b = new byte[64];
                r.nextBytes(b);
                f.seek(at);
                f.write(b, 0, (int) Math.min(64, size - at));
            }
        }
    }

    @Test
    void fortyMegabytesAtBlksize512() throws Exception {
        Path curl = PeerProgram.require("curl", "curl");
        Path root = Files.createDirectories(dir.resolve("root"));
        byte[] data = new byte[40 * 1000 * 1000 + 17];
        new Random(40).nextBytes(data);
        Files.write(root.resolve("forty.bin"), data);
        try (RunningServer server = new RunningServer(root, c -> c)) {
            Path out = dir.resolve("forty.out");
            PeerProgram.run(Duration.ofSeconds(90), curl.toString(), "-sS", "--tftp-blksize", "512", "-o",
                    out.toString(), "tftp://127.0.0.1:" + server.port() + "/forty.bin").assertSuccess();
            assertThat(sha256(out)).isEqualTo(RunningServer.sha256(data));
            TransferFinished f = server.events.await(TransferFinished.class, Duration.ofSeconds(5));
            assertThat(f.outcome()).isEqualTo(TransferOutcome.COMPLETED);
            assertThat(f.bytes()).isEqualTo(data.length);
        }
    }

    @Test
    void fiveGigabyteSparseFileAtBlksize65464() throws Exception {
        Path curl = PeerProgram.require("curl", "curl");
        Path sha256sum = PeerProgram.require("sha256sum", "coreutils");
        Path root = Files.createDirectories(dir.resolve("root"));
        long size = 5L * 1000 * 1000 * 1000;
        Path big = root.resolve("big.img");
        mark(big, size);
        String expected = sha256(big);
        try (RunningServer server = new RunningServer(root,
                c -> c.withTransfers(false, TftpConfig.PortRange.ANY, 65464, 64))) {
            // Streamed into sha256sum: 5 GB never lands on disk a second time.
            PeerProgram.Result r = PeerProgram.run(Duration.ofSeconds(120), "bash", "-c",
                    "set -o pipefail; '" + curl + "' -sS --tftp-blksize 65464 tftp://127.0.0.1:" + server.port()
                            + "/big.img | '" + sha256sum + "'").assertSuccess();
            assertThat(r.stdout().split(" ")[0]).isEqualTo(expected);
            TransferFinished f = server.events.await(TransferFinished.class, Duration.ofSeconds(5));
            assertThat(f.outcome()).isEqualTo(TransferOutcome.COMPLETED);
            assertThat(f.bytes()).isEqualTo(size);
            assertThat(f.options()).containsEntry("blksize", "65464");
        }
    }
}
