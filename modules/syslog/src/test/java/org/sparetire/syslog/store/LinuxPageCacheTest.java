package org.sparetire.syslog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sparetire.syslog.store.DropBehind.KEEP;
import static org.sparetire.syslog.store.DropBehind.STEP;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.sparetire.core.time.Clock;
import org.sparetire.syslog.SyslogConfig.DeviceFiles;
import org.sparetire.syslog.codec.SyslogParser;
import org.sparetire.syslog.policy.RotationPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real calls, on a real file: what is evicted is no longer in memory, and the newest part still is. */
class LinuxPageCacheTest {
    private static final int PAGE = 4096;
    private static final long FILE_SIZE = 24L << 20;

    Path dir;

    /**
     * In the build folder, beside the checkout, rather than in /tmp: tmpfs keeps files only in memory, and the
     * kernel ignores evicting its pages, so /tmp on tmpfs would make these tests meaningless.
     */
    @BeforeEach
    void aFolderOnDisk() throws IOException {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "page-cache-");
        assertThat(Files.getFileStore(dir).type()).as("file system of %s", dir).isNotEqualTo("tmpfs");
    }

    @AfterEach
    void removeIt() throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    @Test
    void loadsOnThisMachine() {
        assertThat(LinuxPageCache.load()).isNotNull();
    }

    @Test
    void aTrackedFileKeepsOnlyItsNewestBytesInMemoryAndAnUntrackedOneKeepsAll() throws Exception {
        Path tracked = dir.resolve("tracked.log");
        Path untracked = dir.resolve("untracked.log");
        DropBehind dropBehind = DropBehind.forLogFiles();
        Files.createFile(tracked); // as the store does: the writer opens (creates) the file, then tracks it
        DropBehind.Tracked t = dropBehind.track(tracked, 0);
        write(tracked, t);
        write(untracked, null);
        // Closing the store first lets the queued runs finish; the file itself stays open, so it keeps its tail.
        dropBehind.close();
        assertThat(dropBehind.awaitClosed(30, TimeUnit.SECONDS)).isTrue();
        t.close();

        // Everything below the last eviction is gone. How much of the rest stays is the kernel's choice (a
        // loaded machine reclaims pages), so the tail and an untracked file written alike need only show that
        // pages nobody evicted do stay: then the zero is the eviction's doing.
        long evictedTo = FILE_SIZE - KEEP - STEP;
        assertThat(residentPages(tracked, 0, evictedTo)).isZero();
        assertThat(residentPages(tracked, FILE_SIZE - KEEP, FILE_SIZE)).isPositive();
        assertThat(residentPages(untracked, 0, evictedTo)).isPositive();
        assertThat(Files.size(tracked)).isEqualTo(FILE_SIZE);
    }

    @Test
    void aStoreEvictsItsFilesWholeOnceClosedOrRotatedAndLeavesNoDescriptorOpen() throws Exception {
        DropBehind dropBehind = DropBehind.forLogFiles();
        LogStore store = new LogStore(dir, DeviceFiles.ADDRESS, true, new RotationPolicy(24L << 20, Duration.ZERO, 2),
                Clock.system(), LogStore.FILES, dropBehind, new LogStore.Trouble() {
                    public void writeFailed(Path f, IOException e) {
                        throw new AssertionError(f + ": " + e);
                    }

                    public void writeRecovered(Path f) {
                    }
                }, new SyslogCounters());
        byte[] text = "<134>Nov 24 05:00:00 benchhost bench[4242]: a line long enough to fill pages quickly, seq="
                .getBytes(StandardCharsets.US_ASCII);
        Received r = new Received(Instant.now(), new InetSocketAddress("192.0.2.7", 514), "udp",
                SyslogParser.parse(text, Instant.now()), text, false);
        LineFormat format = new LineFormat();
        int length = format.encode(r, "");
        long lines = (40L << 20) / length; // 40 MiB per file: one rotation at 24 MiB, then 16 MiB more
        for (long i = 0; i < lines; i++) {
            store.append(r, format.bytes(), length);
        }
        store.close();
        assertThat(dropBehind.awaitClosed(30, TimeUnit.SECONDS)).isTrue();

        for (String name : new String[] {"all.log", "192.0.2.7.log"}) {
            Path rotated = dir.resolve(name + ".1");
            Path current = dir.resolve(name);
            assertThat(Files.size(rotated) + Files.size(current)).isEqualTo(lines * length);
            assertThat(residentPages(rotated, 0, Files.size(rotated))).as(rotated.toString()).isZero();
            assertThat(residentPages(current, 0, Files.size(current))).as(current.toString()).isZero();
        }
        assertThat(openDescriptorsUnder(dir)).isEmpty();
    }

    private static java.util.List<Path> openDescriptorsUnder(Path dir) throws IOException {
        java.util.List<Path> open = new java.util.ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(dir.toRealPath())) {
                        open.add(target);
                    }
                } catch (IOException gone) {
                    // the listing's own descriptor, closed by now
                }
            }
        }
        return open;
    }

    private static void write(Path file, DropBehind.Tracked t) throws IOException {
        ByteBuffer block = ByteBuffer.allocateDirect(64 * 1024);
        try (FileChannel ch = FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.APPEND)) {
            long written = 0;
            while (written < FILE_SIZE) {
                block.clear();
                while (block.hasRemaining()) {
                    block.put((byte) ('a' + (written + block.position()) % 26));
                }
                block.flip();
                while (block.hasRemaining()) {
                    written += ch.write(block);
                }
                if (t != null) {
                    t.grew(written);
                }
            }
        }
    }

    /** Asks mincore(2), through a one-page mapping per page, which pages of the range are in memory. */
    private static long residentPages(Path file, long from, long to) throws IOException {
        long resident = 0;
        try (FileChannel ch = FileChannel.open(file)) {
            for (long at = from; at < to; at += PAGE) {
                MappedByteBuffer page = ch.map(FileChannel.MapMode.READ_ONLY, at, Math.min(PAGE, ch.size() - at));
                if (page.isLoaded()) {
                    resident++;
                }
            }
        }
        return resident;
    }
}
