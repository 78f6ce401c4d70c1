package org.sparetire.syslog.store;

import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the log files from filling the page cache: once a file has grown {@link #KEEP} bytes past a range, that
 * range is written back and evicted, and a file the writer closes (rotation, shutdown) is evicted whole, so the
 * kernel recycles the same few megabytes of pages instead of taking new ones for every line. Nobody rereads a
 * collector's output soon, and {@code tail -f} reads within the kept part.
 *
 * <p>Why it matters: writing into pages the kernel must first find and map was the largest single cost in the
 * collector, above all on a VM whose host maps freed memory again on first touch (docs/syslog.md, Files and
 * Performance). Writeback also starts as each range fills instead of 30 s later, so the disk takes the lines
 * as they come and not in bursts.
 *
 * <p>The kernel calls run on a thread of their own: starting writeback blocks while a slow disk's queue is full,
 * and the writer must never wait for the disk. Each file has at most one task queued, which catches up with
 * everything written since, so a slow disk makes that thread lag and costs nothing else. Where the calls are
 * unavailable (not Linux, JNA cannot load), files are written as before and the page cache keeps them.
 */
public final class DropBehind implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DropBehind.class);
    /** How often writeback starts, and the least that is evicted at once: one call per 2 MiB per file. */
    static final long STEP = 2L << 20;
    /** The newest bytes of each file that stay cached; by the time a range is evicted its writeback has finished. */
    static final long KEEP = 8L << 20;

    /** The calls into the kernel, on one file at a time; each returns false when that file should be left alone. */
    interface Kernel {
        /** A descriptor of its own on the file (its data, not the writer's channel), or -1. */
        int open(Path file);

        boolean startWriteback(int fd, long offset, long length);

        /** Writes back what is still dirty in the range and waits until the range is on disk. */
        boolean finishWriteback(int fd, long offset, long length);

        boolean evict(int fd, long offset, long length);

        void close(int fd);
    }

    private final Supplier<Kernel> kernelLoader;
    private final Executor executor;
    private Kernel kernel;
    private boolean loaded;

    DropBehind(Supplier<Kernel> kernelLoader, Executor executor) {
        this.kernelLoader = kernelLoader;
        this.executor = executor;
    }

    /** Does nothing: for stores whose files are not plain local files (tests that fake the disk). */
    public static DropBehind none() {
        return new DropBehind(() -> null, Runnable::run);
    }

    /** Evicts through the Linux page cache calls where they load; otherwise does nothing. */
    public static DropBehind forLogFiles() {
        return forLogFilesWith(LinuxPageCache::load);
    }

    /** With its own thread, as {@link #forLogFiles()}, calling {@code kernelLoader}'s kernel. */
    static DropBehind forLogFilesWith(Supplier<Kernel> kernelLoader) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "syslog-drop-behind");
                    t.setDaemon(true);
                    // Like the writer, it can lag without loss, so it yields to the event loops.
                    t.setPriority(Thread.MIN_PRIORITY);
                    return t;
                });
        // No idle thread per store: a collector that gets one message an hour has no thread waiting most of it.
        executor.allowCoreThreadTimeOut(true);
        return new DropBehind(kernelLoader, executor);
    }

    /**
     * Starts following a file the writer has just opened, {@code size} bytes long already. Called on the writer
     * thread; the first call loads the native calls (about 90 ms, once per process), so a collector that never
     * receives anything never pays for it.
     */
    Tracked track(Path file, long size) {
        if (!loaded) {
            loaded = true;
            try {
                kernel = kernelLoader.get();
            } catch (LinkageError e) {
                // JNA missing from the class path: the files are written as before.
                log.info("Log files stay in the page cache: {}", e.toString());
            }
        }
        int fd = kernel == null ? -1 : kernel.open(file);
        if (fd < 0 && kernel != null) {
            log.debug("Not evicting {} from the page cache: cannot open it", file);
        }
        return new Tracked(file, fd, size);
    }

    /** Lets the tasks already queued finish (they close their descriptors), then the thread ends. */
    @Override
    public void close() {
        if (executor instanceof ThreadPoolExecutor pool) {
            pool.shutdown();
        }
    }

    /** For tests: waits for the queued tasks after {@link #close()}. */
    boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
        return !(executor instanceof ThreadPoolExecutor pool) || pool.awaitTermination(timeout, unit);
    }

    /** One file being written. {@link #grew} and {@link #close} belong to the writer, the rest to the task. */
    final class Tracked {
        private final Path file;
        private final int fd;
        private final AtomicBoolean queued = new AtomicBoolean();
        private volatile long size;
        private volatile boolean closed;
        /** Writer side: the size last handed to the task. */
        private long posted;
        /** Task side: writeback has been started below this offset, and everything below evictedTo is gone. */
        private long writebackFrom;
        private long evictedTo;
        private boolean failed;
        private boolean fdClosed;

        private Tracked(Path file, int fd, long size) {
            this.file = file;
            this.fd = fd;
            this.size = size;
            this.posted = size;
            this.writebackFrom = size;
            this.evictedTo = size;
        }

        /** The file is now {@code newSize} bytes long (everything written has reached the kernel). */
        void grew(long newSize) {
            if (fd < 0) {
                return;
            }
            size = newSize;
            if (newSize - posted >= STEP) {
                posted = newSize;
                schedule();
            }
        }

        /** The writer has closed the file (rotation, shutdown, too many open): the descriptor goes too. */
        void close() {
            if (fd < 0) {
                return;
            }
            closed = true;
            schedule();
        }

        private void schedule() {
            if (queued.compareAndSet(false, true)) {
                try {
                    executor.execute(this::catchUp);
                } catch (RejectedExecutionException e) {
                    // The store is closing: nothing more is evicted, but the descriptor must not leak.
                    queued.set(false);
                    closeDescriptor();
                }
            }
        }

        /**
         * Runs on the task thread: writes back and evicts up to the size the writer last reported. Synchronized
         * with {@link #closeDescriptor} so a descriptor is never closed under a call that uses it.
         */
        private synchronized void catchUp() {
            // Cleared before reading: whatever the writer reports from here on queues another run.
            queued.set(false);
            // closed before size: the writer sets size first, so a closed file's size read here is its last.
            boolean last = closed;
            long now = size;
            if (!failed && !fdClosed) {
                try {
                    advise(now, last);
                } catch (RuntimeException | LinkageError e) {
                    failed = true;
                    log.debug("Not evicting {} from the page cache any more: {}", file, e.toString());
                }
            }
            if (last) {
                closeDescriptor();
            }
        }

        /** On the last run (the writer closed the file) everything goes: a rotated file is not written again. */
        private void advise(long now, boolean last) {
            if (now > writebackFrom) {
                if (!kernel.startWriteback(fd, writebackFrom, now - writebackFrom)) {
                    failed = true;
                    return;
                }
                writebackFrom = now;
            }
            long end = last ? now : now - KEEP;
            if (end - evictedTo >= (last ? 1 : STEP)) {
                if (!kernel.finishWriteback(fd, evictedTo, end - evictedTo)
                        || !kernel.evict(fd, evictedTo, end - evictedTo)) {
                    failed = true;
                    return;
                }
                evictedTo = end;
            }
        }

        private synchronized void closeDescriptor() {
            if (!fdClosed) {
                fdClosed = true;
                kernel.close(fd);
            }
        }
    }
}
