package org.sparetire.syslog.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.syslog.SyslogConfig.DeviceFiles;
import org.sparetire.syslog.codec.SyslogParser;
import org.sparetire.syslog.policy.RotationPolicy;
import org.sparetire.testkit.ManualClock;

class LogStoreTest {
    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T05:00:00Z"));
    final SyslogCounters counters = new SyslogCounters();
    final List<String> trouble = new ArrayList<>();
    final LogStore.Trouble recorder = new LogStore.Trouble() {
        @Override
        public void writeFailed(Path file, IOException cause) {
            trouble.add("failed " + file.getFileName() + " " + cause.getMessage());
        }

        @Override
        public void writeRecovered(Path file) {
            trouble.add("recovered " + file.getFileName());
        }
    };
    final LineFormat format = new LineFormat();

    Received received(String sender, String text) {
        return new Received(clock.now(), new InetSocketAddress(sender, 40000), "udp",
                SyslogParser.parse(text.getBytes(StandardCharsets.UTF_8), clock.now()),
                text.getBytes(StandardCharsets.UTF_8), false);
    }

    void append(LogStore store, String sender, String text) {
        Received r = received(sender, text);
        byte[] line = format.format(r, " [truncated]").getBytes(StandardCharsets.UTF_8);
        store.append(r, line, line.length);
    }

    LogStore store(DeviceFiles mode, RotationPolicy rotation, LogStore.Opener opener) throws IOException {
        return new LogStore(dir, mode, true, rotation, clock, opener, DropBehind.none(), recorder, counters);
    }

    List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void filesPerSenderAddressAndCombined() throws IOException {
        try (LogStore store = store(DeviceFiles.ADDRESS, new RotationPolicy(0, Duration.ZERO, 3), LogStore.FILES)) {
            append(store, "192.0.2.10", "<189>12: *Mar  1 00:00:12.123: %SYS-5-CONFIG_I: Configured");
            clock.advanceMillis(7);
            append(store, "2001:db8::1", "<13>Nov 24 04:59:00 phone1 sip[4]: registered");
        }
        assertThat(files()).containsExactly("192.0.2.10.log", "2001_db8__1.log", "all.log");
        assertThat(Files.readString(dir.resolve("192.0.2.10.log"))).isEqualTo(
                "2026-11-24T05:00:00.000Z 192.0.2.10 local7.notice - %SYS-5-CONFIG_I Configured\n");
        assertThat(Files.readString(dir.resolve("2001_db8__1.log"))).isEqualTo(
                "2026-11-24T05:00:00.007Z 2001:db8::1 user.notice phone1 sip[4] registered\n");
        assertThat(Files.readAllLines(dir.resolve("all.log"))).hasSize(2);
    }

    @Test
    void filesPerHostnameFallingBackToTheAddress() throws IOException {
        try (LogStore store = store(DeviceFiles.HOSTNAME, new RotationPolicy(0, Duration.ZERO, 3), LogStore.FILES)) {
            append(store, "192.0.2.10", "<13>Nov 24 04:59:00 SW-Core.lab su: x");
            append(store, "192.0.2.11", "<13>no hostname here");
            append(store, "192.0.2.12", "<13>Nov 24 04:59:00 all su: a device called all");
            append(store, "192.0.2.13", "<13>1 - ../../etc/passwd app - - - traversal attempt");
        }
        assertThat(files()).containsExactly("192.0.2.11.log", "_._.._etc_passwd.log", "all.log", "host-all.log",
                "sw-core.lab.log");
    }

    @Test
    void rotatesBySizeKeepingTheConfiguredGenerations() throws IOException {
        try (LogStore store = store(DeviceFiles.NONE, new RotationPolicy(200, Duration.ZERO, 2), LogStore.FILES)) {
            for (int i = 0; i < 12; i++) {
                append(store, "192.0.2.1", "<13>Nov 24 04:59:00 h t: message number " + i);
            }
        }
        // Each line is 75 bytes: two fit in 200, so 12 lines make 6 files; only all.log, .1 and .2 remain.
        assertThat(files()).containsExactly("all.log", "all.log.1", "all.log.2");
        assertThat(Files.readAllLines(dir.resolve("all.log"))).hasSize(2).last().asString().endsWith("number 11");
        assertThat(Files.readAllLines(dir.resolve("all.log.1"))).first().asString().endsWith("number 8");
        assertThat(Files.readAllLines(dir.resolve("all.log.2"))).first().asString().endsWith("number 6");
        for (String f : files()) {
            assertThat(Files.size(dir.resolve(f))).isLessThanOrEqualTo(200);
        }
    }

    @Test
    void rotatesByAgeOfTheOldestLine() throws IOException {
        try (LogStore store = store(DeviceFiles.NONE, new RotationPolicy(0, Duration.ofHours(24), 5), LogStore.FILES)) {
            append(store, "192.0.2.1", "<13>day one");
            clock.advance(Duration.ofHours(23));
            append(store, "192.0.2.1", "<13>still day one");
            assertThat(files()).containsExactly("all.log");
            clock.advance(Duration.ofHours(1));
            append(store, "192.0.2.1", "<13>day two");
        }
        assertThat(files()).containsExactly("all.log", "all.log.1");
        assertThat(Files.readAllLines(dir.resolve("all.log.1"))).hasSize(2);
        assertThat(Files.readString(dir.resolve("all.log"))).contains("day two");
    }

    @Test
    void aFileFromAnEarlierRunIsAgedByItsFirstLine() throws IOException {
        Files.writeString(dir.resolve("all.log"), "2026-11-22T00:00:00.000Z 192.0.2.1 user.notice - - old\n");
        try (LogStore store = store(DeviceFiles.NONE, new RotationPolicy(0, Duration.ofDays(1), 5), LogStore.FILES)) {
            append(store, "192.0.2.1", "<13>new");
        }
        assertThat(Files.readString(dir.resolve("all.log.1"))).endsWith("old\n");
        assertThat(Files.readString(dir.resolve("all.log"))).endsWith("new\n");
    }

    @Test
    void aFileLeftEndingMidLineIsEndedBeforeTheFirstNewLineAndCounted() throws IOException {
        // What a kill -9 leaves: the last write of the previous run stopped inside a line.
        String whole = "2026-11-24T04:59:59.000Z 192.0.2.1 user.notice - - whole\n";
        String torn = "2026-11-24T04:59:59.500Z 192.0.2.1 user.notice - - cut o";
        Files.writeString(dir.resolve("all.log"), whole + torn);
        Files.writeString(dir.resolve("192.0.2.1.log"), whole + torn);
        Files.writeString(dir.resolve("192.0.2.2.log"), whole);
        try (LogStore store = store(DeviceFiles.ADDRESS, new RotationPolicy(0, Duration.ZERO, 3), LogStore.FILES)) {
            append(store, "192.0.2.1", "<13>after the restart");
            append(store, "192.0.2.2", "<13>after the restart");
        }
        String next = "2026-11-24T05:00:00.000Z 192.0.2.1 user.notice - - after the restart\n";
        assertThat(Files.readString(dir.resolve("192.0.2.1.log"))).isEqualTo(whole + torn + "\n" + next);
        assertThat(Files.readString(dir.resolve("all.log"))).startsWith(whole + torn + "\n" + next);
        assertThat(Files.readString(dir.resolve("192.0.2.2.log"))).as("a whole last line is left alone")
                .isEqualTo(whole + next.replace("192.0.2.1", "192.0.2.2"));
        assertThat(counters.tornLines.sum()).isEqualTo(2);
        assertThat(counters.summary()).contains("torn-lines=2");
    }

    @Test
    void keepZeroDeletesInsteadOfRotating() throws IOException {
        try (LogStore store = store(DeviceFiles.NONE, new RotationPolicy(100, Duration.ZERO, 0), LogStore.FILES)) {
            append(store, "192.0.2.1", "<13>Nov 24 04:59:00 h t: first line of text");
            append(store, "192.0.2.1", "<13>Nov 24 04:59:00 h t: second line of text");
        }
        assertThat(files()).containsExactly("all.log");
        assertThat(Files.readString(dir.resolve("all.log"))).contains("second").doesNotContain("first");
    }

    /** A channel that fails like a full disk until told otherwise. */
    static final class FullDisk implements WritableByteChannel {
        volatile boolean full = true;
        final List<String> written = new ArrayList<>();

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (full) {
                throw new IOException("No space left on device");
            }
            byte[] b = new byte[src.remaining()];
            src.get(b);
            written.add(new String(b, StandardCharsets.UTF_8));
            return b.length;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aFullDiskIsReportedOnceCountedAndRecoveredFrom() throws IOException {
        FullDisk disk = new FullDisk();
        LogStore store = store(DeviceFiles.NONE, new RotationPolicy(0, Duration.ZERO, 1), p -> disk);
        for (int i = 0; i < 5; i++) {
            append(store, "192.0.2.1", "<13>lost " + i);
            store.flush();
        }
        assertThat(trouble).containsExactly("failed all.log No space left on device");
        assertThat(counters.diskLost.sum()).isEqualTo(5);
        disk.full = false;
        append(store, "192.0.2.1", "<13>kept");
        store.flush();
        assertThat(trouble).containsExactly("failed all.log No space left on device", "recovered all.log");
        assertThat(String.join("", disk.written)).endsWith("kept\n").doesNotContain("lost");
        store.close();
    }

    @Test
    void closeFlushesEverythingBuffered() throws IOException {
        LogStore store = store(DeviceFiles.ADDRESS, new RotationPolicy(0, Duration.ZERO, 1), LogStore.FILES);
        for (int i = 0; i < 1000; i++) {
            append(store, "192.0.2." + (i % 10), "<13>m" + i);
        }
        assertThat(Files.size(dir.resolve("all.log"))).isZero(); // still in the 64 KiB buffer
        store.close();
        assertThat(Files.readAllLines(dir.resolve("all.log"))).hasSize(1000);
        assertThat(Files.readAllLines(dir.resolve("192.0.2.3.log"))).hasSize(100);
    }

    @Test
    void writesEndOnBlockBoundariesAfterAnIdleFlushAndLinesLongerThanTheBufferArriveWhole() throws IOException {
        Files.writeString(dir.resolve("all.log"), "2026-11-24T04:00:00.000Z 192.0.2.1 user.notice - - earlier run\n");
        long existing = Files.size(dir.resolve("all.log"));
        List<Long> writeEnds = new ArrayList<>();
        LogStore.Opener recording = path -> {
            WritableByteChannel file = LogStore.FILES.open(path);
            return new WritableByteChannel() {
                long end = existing;

                @Override
                public int write(ByteBuffer src) throws IOException {
                    int n = file.write(src);
                    end += n;
                    writeEnds.add(end);
                    return n;
                }

                @Override
                public boolean isOpen() {
                    return file.isOpen();
                }

                @Override
                public void close() throws IOException {
                    file.close();
                }
            };
        };
        String huge = "x".repeat(3 * LogStore.BUFFER);
        List<String> expected = new ArrayList<>();
        try (LogStore store = store(DeviceFiles.NONE, new RotationPolicy(0, Duration.ZERO, 1), recording)) {
            append(store, "192.0.2.1", "<13>before the writer went idle");
            store.flush(); // an idle flush: ends wherever the line ended
            for (int i = 0; i < 2000; i++) {
                String text = i == 700 ? huge : "line " + i + " " + "y".repeat(i % 97);
                append(store, "192.0.2.1", "<13>" + text);
                expected.add(text);
            }
        }
        // Every write but the idle flush and the final one at close ends on a multiple of the buffer size.
        assertThat(writeEnds.size()).isGreaterThan(5);
        assertThat(writeEnds.subList(1, writeEnds.size() - 1)).allMatch(end -> end % LogStore.BUFFER == 0);
        List<String> lines = Files.readAllLines(dir.resolve("all.log"));
        assertThat(lines).hasSize(2 + expected.size());
        assertThat(lines.get(0)).endsWith("earlier run");
        assertThat(lines.get(1)).endsWith("before the writer went idle");
        for (int i = 0; i < expected.size(); i++) {
            assertThat(lines.get(2 + i)).endsWith(" " + expected.get(i));
        }
    }
}
