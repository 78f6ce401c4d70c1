package org.sparetire.dhcp.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.dhcp.lease.Lease;
import org.sparetire.dhcp.lease.LeaseState;

/**
 * The append-only lease file. One writer thread takes everything queued, writes it, calls
 * {@code fsync} once and only then completes the callers' futures; the transport sends an ACK when its
 * future completes. Many ACKs thus share one fsync (group commit) and none leaves before its lease is on
 * disk. Compaction writes the live leases to a new file, fsyncs it and renames it over the old one, so a
 * crash at any point leaves either the old file or the new one, both complete.
 */
public final class LeaseJournal implements LeaseStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaseJournal.class);
    static final String HEADER = "# sparetire dhcp lease journal v1: state address until= mac= client= host=\n";

    private final Path file;
    private final LinkedBlockingQueue<Work> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final AtomicLong fsyncs = new AtomicLong();
    private final AtomicLong lines = new AtomicLong();
    private final Loaded loaded;
    /** Guards the channel: the writer appends and compacts while {@link #compact} reads its size from the table's thread. */
    private final Object fileLock = new Object();
    private FileChannel channel;
    /**
     * Bytes in the file as of the last completed write: {@link #compact}'s mark, read without the file lock,
     * which a running fdatasync holds (the caller is the DHCP event loop, which must not wait for the disk).
     * Lines of a write still in progress lie past it and are carried over like any later line.
     */
    private final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;

    private sealed interface Work permits Append, Compact, Stop {
    }

    private record Append(List<Lease> leases, CompletableFuture<Void> done) implements Work {
    }

    private record Compact(List<Lease> live, long mark, CompletableFuture<Void> done) implements Work {
    }

    private record Stop() implements Work {
    }

    /** What was on disk: the latest line per client, plus quarantined addresses, and how many lines were bad. */
    public record Loaded(List<Lease> leases, int badLines, boolean tornTail) {
    }

    private LeaseJournal(Path file, FileChannel channel, Loaded loaded) {
        this.file = file;
        this.loaded = loaded;
        this.channel = channel;
        try {
            this.written.set(channel.position());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        this.writer = new Thread(this::run, "dhcp-lease-journal");
        this.writer.setDaemon(true);
    }

    /**
     * Reads the journal (creating it and its folder if needed), cuts off a torn last line left by a crash,
     * and starts the writer.
     */
    public static LeaseJournal open(Path file) throws IOException {
        Loaded loaded = read(file);
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        long size = ch.size();
        if (loaded.tornTail()) {
            long keep = completeLength(file);
            log.warn("dhcp lease journal {}: last line was torn by a crash; dropped {} bytes (no ACK was sent for it)",
                    file, size - keep);
            ch.truncate(keep);
            size = keep;
        }
        if (size == 0) {
            ch.write(ByteBuffer.wrap(HEADER.getBytes(StandardCharsets.US_ASCII)));
        }
        ch.force(true);
        ch.position(ch.size());
        LeaseJournal j = new LeaseJournal(file, ch, loaded);
        j.writer.start();
        return j;
    }

    /** Parses a journal without opening it for writing (for {@code sparetire leases}). */
    public static Loaded read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new Loaded(List.of(), 0, false);
        }
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.UTF_8);
        boolean torn = !text.isEmpty() && !text.endsWith("\n");
        String[] all = text.split("\n", -1);
        int usable = torn ? all.length - 1 : all.length;
        Map<String, Lease> byClient = new LinkedHashMap<>();
        Map<String, Lease> declined = new LinkedHashMap<>();
        int bad = 0;
        for (int i = 0; i < usable; i++) {
            String line = all[i];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            var parsed = LeaseLine.parse(line);
            if (parsed.isEmpty()) {
                bad++;
                continue;
            }
            Lease l = parsed.get();
            if (l.state() == LeaseState.DECLINED) {
                declined.put(l.address().getHostAddress(), l);
                byClient.remove(l.clientKey(), byClient.get(l.clientKey()));
            } else {
                byClient.remove(l.clientKey()); // keep file order = latest last
                byClient.put(l.clientKey(), l);
            }
        }
        List<Lease> out = new ArrayList<>(byClient.values());
        out.addAll(declined.values());
        return new Loaded(out, bad, torn);
    }

    private static long completeLength(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int last = bytes.length - 1;
        while (last >= 0 && bytes[last] != '\n') {
            last--;
        }
        return last + 1;
    }

    /** Queues lease lines; the future completes once they are fsynced (or fails if they could not be). */
    public CompletableFuture<Void> append(List<Lease> leases) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IOException("lease journal is closed"));
            return done;
        }
        queue.add(new Append(List.copyOf(leases), done));
        return done;
    }

    /**
     * Rewrites the file to hold only these leases: a snapshot taken on the thread that owns the table, at a
     * moment when every change before it is already in the file (lines written later are carried over).
     */
    @Override
    public CompletableFuture<Void> compact(Collection<Lease> live) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IOException("lease journal is closed"));
            return done;
        }
        long mark = written.get();
        queue.add(new Compact(List.copyOf(live), mark, done));
        return done;
    }

    /** What the file held when it was opened. */
    public Loaded loaded() {
        return loaded;
    }

    @Override
    public List<Lease> restored() {
        return loaded.leases();
    }

    @Override
    public boolean shared() {
        return false;
    }

    /** Only this server writes the file, so nothing is ever refused. */
    @Override
    public CompletableFuture<Commit> commit(List<Lease> leases, boolean firstTry) {
        return append(leases).thenApply(done -> Commit.ALL);
    }

    @Override
    public CompletableFuture<List<Lease>> changesByOthers() {
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public String status() {
        return "fsyncs=" + fsyncs();
    }

    @Override
    public boolean reachable() {
        return !closed;
    }

    public long fsyncs() {
        return fsyncs.get();
    }

    public long linesWritten() {
        return lines.get();
    }

    public Path file() {
        return file;
    }

    private void run() {
        List<Work> batch = new ArrayList<>();
        while (true) {
            try {
                batch.clear();
                batch.add(queue.take());
                queue.drainTo(batch);
                List<Append> appends = new ArrayList<>();
                boolean stop = false;
                for (Work w : batch) {
                    if (w instanceof Append a) {
                        appends.add(a);
                    } else if (w instanceof Compact c) {
                        flush(appends);
                        appends.clear();
                        doCompact(c);
                    } else if (w instanceof Stop) {
                        stop = true;
                    }
                }
                flush(appends);
                if (stop) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // Never let the writer die silently: fail what this batch promised and keep serving.
                log.error("dhcp lease journal {}: writer error: {}", file, e.toString());
                for (Work w : batch) {
                    if (w instanceof Append a) {
                        a.done().completeExceptionally(e);
                    } else if (w instanceof Compact c) {
                        c.done().completeExceptionally(e);
                    }
                }
            }
        }
    }

    private void flush(List<Append> appends) {
        if (appends.isEmpty()) {
            return;
        }
        List<Lease> all = new ArrayList<>();
        appends.forEach(a -> all.addAll(a.leases()));
        try {
            writeNow(all);
            appends.forEach(a -> a.done().complete(null));
        } catch (IOException e) {
            log.error("dhcp lease journal {}: write failed, withholding {} ACKs: {}", file, appends.size(), e.toString());
            appends.forEach(a -> a.done().completeExceptionally(e));
        }
    }

    /** Writes and fdatasyncs these leases on the calling thread: the writer's group commit (tests call it directly). */
    void writeNow(List<Lease> leases) throws IOException {
        if (leases.isEmpty()) {
            return;
        }
        if (closed) {
            throw new IOException("lease journal is closed");
        }
        StringBuilder sb = new StringBuilder(leases.size() * 120);
        for (Lease l : leases) {
            sb.append(LeaseLine.format(l));
        }
        ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
        synchronized (fileLock) {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            // fdatasync: the data and the file length, which is all a reader needs.
            channel.force(false);
            written.set(channel.position());
        }
        fsyncs.incrementAndGet();
        lines.addAndGet(leases.size());
    }

    private void doCompact(Compact c) {
        Path tmp = file.resolveSibling(file.getFileName() + ".compact");
        try {
            StringBuilder sb = new StringBuilder(HEADER);
            c.live().forEach(l -> sb.append(LeaseLine.format(l)));
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
                synchronized (fileLock) {
                    // Lines appended after the snapshot was taken (at c.mark()) still belong to the journal:
                    // copy them over while no one can append, then swap files.
                    long end = channel.size();
                    long pos = c.mark();
                    while (pos < end) {
                        pos += channel.transferTo(pos, end - pos, out);
                    }
                    out.force(true);
                    try {
                        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                    }
                    syncDirectory(file.toAbsolutePath().getParent());
                    FileChannel old = channel;
                    channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    channel.position(channel.size());
                    written.set(channel.position());
                    old.close();
                }
            }
            fsyncs.incrementAndGet();
            c.done().complete(null);
        } catch (IOException e) {
            log.warn("dhcp lease journal {}: compaction failed, keeping the old file: {}", file, e.toString());
            c.done().completeExceptionally(e);
        }
    }

    /** The rename is durable only once the directory entry is (POSIX); not possible on every OS. */
    private static void syncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open directories; its rename is already durable enough for NTFS.
        }
    }

    /** Lets queued writes finish for at most {@code grace}, then closes the file. */
    @Override
    public void close(Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        StoreThread.stop(queue, new Stop(), writer, grace);
        for (Work w; (w = queue.poll()) != null; ) {
            if (w instanceof Append a) {
                a.done().completeExceptionally(new IOException("lease journal closed"));
            } else if (w instanceof Compact c) {
                c.done().completeExceptionally(new IOException("lease journal closed"));
            }
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("dhcp lease journal {}: close failed: {}", file, e.toString());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
