package org.sparetire.syslog.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.time.Clock;
import org.sparetire.syslog.SyslogConfig.DeviceFiles;
import org.sparetire.syslog.policy.DeviceNaming;
import org.sparetire.syslog.policy.RotationPolicy;

/**
 * The files on disk: one per device ({@code <address>.log} or {@code <hostname>.log}) plus {@code all.log},
 * each buffered in memory and written in large chunks, each rotated by {@link RotationPolicy} into
 * {@code name.log.1 .. name.log.N}, and each left out of the page cache behind the writer ({@link DropBehind}).
 * Not thread-safe: only the writer thread touches it.
 *
 * <p>A failing write (disk full, a USB stick pulled) loses the lines in that buffer, counts them, and is
 * reported once through {@link Trouble}; the next successful write reports recovery. Receiving goes on.
 */
public final class LogStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogStore.class);
    static final int BUFFER = 64 * 1024;
    /** Open device files at most; a site with more devices reopens the least recently used. */
    static final int MAX_OPEN = 256;

    /** Opens a file for appending; tests substitute one that fails like a full disk. */
    @FunctionalInterface
    public interface Opener {
        WritableByteChannel open(Path path) throws IOException;
    }

    /** Told once when writing starts failing and once when it works again. */
    public interface Trouble {
        void writeFailed(Path file, IOException cause);

        void writeRecovered(Path file);
    }

    public static final Opener FILES = p -> FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);

    private final Path directory;
    private final DeviceFiles mode;
    private final boolean combined;
    private final RotationPolicy rotation;
    private final Clock clock;
    private final Opener opener;
    private final DropBehind dropBehind;
    private final Trouble trouble;
    private final SyslogCounters counters;
    private final Map<String, LogFile> open = new LinkedHashMap<>(64, 0.75f, true);
    private LogFile all;
    /** Files whose last write failed; one report when the first fails, one when the last recovers. */
    private final java.util.Set<Path> failing = new java.util.HashSet<>();

    public LogStore(Path directory, DeviceFiles mode, boolean combined, RotationPolicy rotation, Clock clock,
                    Opener opener, DropBehind dropBehind, Trouble trouble, SyslogCounters counters) throws IOException {
        this.directory = directory;
        this.mode = mode;
        this.combined = combined;
        this.rotation = rotation;
        this.clock = clock;
        this.opener = opener;
        this.dropBehind = dropBehind;
        this.trouble = trouble;
        this.counters = counters;
        Files.createDirectories(directory);
    }

    public Path directory() {
        return directory;
    }

    /**
     * Files the first {@code length} bytes of {@code line} under its device and in the combined file (the
     * writer reuses the buffer: they are copied).
     */
    public void append(Received r, byte[] line, int length) {
        String device = mode == DeviceFiles.ADDRESS ? addressName(r.sender().getAddress())
                : DeviceNaming.name(mode, r.sender().getAddress(), r.message().hostname());
        // The line's own receive time (from the same clock) ages the file: it is what the file's first line
        // says after a restart, and reading the clock again for every line cost 2 % of the collector's CPU.
        Instant now = r.at();
        if (device != null) {
            write(device, line, length, now);
        }
        if (combined) {
            write(DeviceNaming.COMBINED, line, length, now);
        }
    }

    private final Map<java.net.InetAddress, String> addressNames = new java.util.HashMap<>();

    private String addressName(java.net.InetAddress a) {
        String name = addressNames.get(a);
        if (name == null) {
            if (addressNames.size() > 4096) {
                addressNames.clear();
            }
            name = DeviceNaming.name(DeviceFiles.ADDRESS, a, null);
            addressNames.put(a, name);
        }
        return name;
    }

    private void write(String name, byte[] line, int length, Instant now) {
        LogFile f = name.equals(DeviceNaming.COMBINED) ? all : open.get(name);
        try {
            if (f == null) {
                f = openFile(name);
            }
            if (rotation.due(f.size(), length, f.oldest, now)) {
                f = rotate(f);
            }
            f.append(line, length, now);
            ok(f);
        } catch (IOException e) {
            if (f != null) {
                counters.diskLost.add(f.discard());
            }
            counters.diskLost.increment();
            failed(f == null ? directory.resolve(name + ".log") : f.path, e);
        }
    }

    private LogFile openFile(String name) throws IOException {
        Path path = directory.resolve(name + ".log");
        long size = Files.exists(path) ? Files.size(path) : 0;
        LogFile f = new LogFile(path, opener.open(path), size, firstLineTime(path, size), dropBehind.track(path, size));
        if (endsInsideALine(path, size)) {
            // A run killed mid-write left half a line: end it, so the next line does not continue it.
            f.endTornLine();
            counters.tornLines.increment();
            log.warn("syslog: {} ended inside a line (the previous run stopped while writing it); that line is "
                    + "ended before new lines are added", path);
        }
        if (name.equals(DeviceNaming.COMBINED)) {
            all = f;
        } else {
            open.put(name, f);
            if (open.size() > MAX_OPEN) {
                Map.Entry<String, LogFile> eldest = open.entrySet().iterator().next();
                open.remove(eldest.getKey());
                closeQuietly(eldest.getValue());
            }
        }
        return f;
    }

    /** name.log -> name.log.1 -> ... -> name.log.keep; the oldest beyond keep is deleted. */
    private LogFile rotate(LogFile f) throws IOException {
        f.flush();
        f.channel.close();
        f.cache.close();
        int keep = rotation.keep();
        Path base = f.path;
        Files.deleteIfExists(Path.of(base + "." + keep));
        for (int i = keep - 1; i >= 1; i--) {
            Path from = Path.of(base + "." + i);
            if (Files.exists(from)) {
                Files.move(from, Path.of(base + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (keep > 0) {
            Files.move(base, Path.of(base + ".1"), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.deleteIfExists(base);
        }
        LogFile fresh = new LogFile(base, opener.open(base), 0, null, dropBehind.track(base, 0));
        String name = base.getFileName().toString();
        name = name.substring(0, name.length() - ".log".length());
        if (f == all) {
            all = fresh;
        } else {
            open.put(name, fresh);
        }
        return fresh;
    }

    /** Writes every buffer to its file; called at least once a second and at shutdown. */
    public void flush() {
        List<LogFile> files = new ArrayList<>(open.values());
        if (all != null) {
            files.add(all);
        }
        for (LogFile f : files) {
            try {
                f.flush();
                ok(f);
            } catch (IOException e) {
                counters.diskLost.add(f.discard());
                failed(f.path, e);
            }
        }
    }

    private void ok(LogFile f) {
        if (f.lastWriteOk && !failing.isEmpty() && failing.remove(f.path) && failing.isEmpty()) {
            trouble.writeRecovered(f.path);
        }
    }

    private void failed(Path path, IOException e) {
        boolean first = failing.isEmpty();
        if (failing.add(path) && first) {
            trouble.writeFailed(path, e);
        }
    }

    @Override
    public void close() {
        flush();
        for (LogFile f : open.values()) {
            closeQuietly(f);
        }
        open.clear();
        if (all != null) {
            closeQuietly(all);
            all = null;
        }
        dropBehind.close();
    }

    private void closeQuietly(LogFile f) {
        try {
            f.flush();
        } catch (IOException e) {
            counters.diskLost.add(f.discard());
            failed(f.path, e);
        }
        f.cache.close();
        try {
            f.channel.close();
        } catch (IOException ignored) {
            // Nothing buffered remains; a failing close has nothing left to lose.
        }
    }

    private static boolean endsInsideALine(Path path, long size) {
        if (size == 0) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            return ch.read(last, size - 1) == 1 && last.get(0) != '\n';
        } catch (IOException e) {
            return false; // unreadable: the write that follows will report the trouble
        }
    }

    /** The age of a file that existed before start: the receive time on its first line. */
    private Instant firstLineTime(Path path, long size) {
        if (size == 0) {
            return null;
        }
        try {
            try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.ISO_8859_1)) {
                String first = reader.readLine();
                Instant t = first == null ? null : LineFormat.timeOf(first);
                return t != null ? t : clock.now();
            }
        } catch (IOException e) {
            return clock.now();
        }
    }

    /** One open file with its write buffer. */
    static final class LogFile {
        final Path path;
        final WritableByteChannel channel;
        /** Direct: a heap buffer would be copied into a temporary direct one on every write. */
        final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        long written;
        int bufferedLines;
        Instant oldest;
        boolean lastWriteOk = true;
        final DropBehind.Tracked cache;

        LogFile(Path path, WritableByteChannel channel, long size, Instant oldest, DropBehind.Tracked cache) {
            this.path = path;
            this.channel = channel;
            this.cache = cache;
            this.written = size;
            this.oldest = oldest;
            endNextWriteOnABlockBoundary();
        }

        long size() {
            return written + buffer.position();
        }

        /** Ends the half line a killed run left at the end of the file; leaves with the next write. */
        void endTornLine() {
            buffer.put((byte) '\n');
        }

        /**
         * Fills the buffer to the next multiple of {@link #BUFFER} in the file, splitting a line across two writes
         * if it must (as rsyslog's omfile does): whole-block writes spare the kernel zeroing the part of each new
         * page cache page that an unaligned write leaves uncovered.
         */
        void append(byte[] line, int length, Instant now) throws IOException {
            if (oldest == null) {
                oldest = now;
            }
            int done = 0;
            while (done < length) {
                int n = Math.min(buffer.remaining(), length - done);
                buffer.put(line, done, n);
                done += n;
                if (!buffer.hasRemaining()) {
                    flush();
                }
            }
            bufferedLines++;
        }

        void flush() throws IOException {
            if (buffer.position() == 0) {
                return;
            }
            buffer.flip();
            int n = buffer.remaining();
            writeFully(buffer);
            written += n;
            cache.grew(written);
            buffer.clear();
            endNextWriteOnABlockBoundary(); // after a partial flush (the writer went idle) as after a full one
            bufferedLines = 0;
        }

        private void writeFully(ByteBuffer b) throws IOException {
            try {
                while (b.hasRemaining()) {
                    channel.write(b);
                }
                lastWriteOk = true;
            } catch (IOException e) {
                lastWriteOk = false;
                throw e;
            }
        }

        /** Drops what is buffered after a failed write; returns how many lines were lost. */
        int discard() {
            int lost = bufferedLines;
            buffer.clear();
            endNextWriteOnABlockBoundary();
            bufferedLines = 0;
            return lost;
        }

        private void endNextWriteOnABlockBoundary() {
            buffer.limit(BUFFER - (int) (written % BUFFER));
        }
    }
}
