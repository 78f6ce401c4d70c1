package org.sparetire.syslog.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.event.SyslogReceived;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that files messages. Event loops hand messages over through a bounded queue and never
 * wait: a slow disk must not make the kernel drop datagrams, and when even the queue is full the message
 * is counted as dropped. Buffers are flushed when the queue runs dry (at most every 100 ms) and at least
 * once a second under sustained load; stopping drains the queue and flushes everything. Flush pacing is
 * real time (System.nanoTime), as the thread itself is.
 */
public final class StoreWriter {
    private static final Logger log = LoggerFactory.getLogger(StoreWriter.class);
    private static final long IDLE_FLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_FLUSH_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int BATCH = 64;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Batches as the event loops read them (one per epoll wakeup), so the hand-off costs one lock per burst. */
    private final LinkedBlockingQueue<List<Received>> queue = new LinkedBlockingQueue<>();
    /** Messages queued, for the bound; event loops may overshoot it by one batch each, never more. */
    private final AtomicInteger pending = new AtomicInteger();
    private final int capacity;
    /** Received bytes queued: 262,144 small messages fit easily, a flood of 64 KiB datagrams does not. */
    private final AtomicLong pendingBytes = new AtomicLong();
    static final long MAX_QUEUED_BYTES = 64L << 20;
    /**
     * TCP senders wait when the writer is behind (their window fills), so they need only enough queue to
     * keep the writer busy. Stopping them early keeps the rest of the queue for UDP bursts, which cannot
     * wait, and keeps parsed messages from filling the heap.
     */
    static final int STREAM_QUEUE_LIMIT = 16_384;
    private final LogStore store;
    private final String truncationMarker;
    private final SyslogCounters counters;
    private final EventBus events;
    private final RecentMessages recent;
    private final Thread thread;
    private final LineFormat format = new LineFormat();
    private volatile Consumer<Received> forwarding = r -> { };
    private volatile boolean stopping;
    private final StoreWriter predecessor;

    /**
     * @param predecessor a writer being replaced by a reload: this one waits for it to drain before
     *                    touching the files, so lines never interleave and rotation never races
     */
    public StoreWriter(int capacity, LogStore store, String truncationMarker, SyslogCounters counters, EventBus events,
                       RecentMessages recent, StoreWriter predecessor) {
        this.capacity = capacity;
        this.store = store;
        this.truncationMarker = truncationMarker;
        this.counters = counters;
        this.events = events;
        this.recent = recent;
        this.predecessor = predecessor;
        this.thread = new Thread(this::run, "syslog-writer");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public void forwardTo(Consumer<Received> forwarding) {
        this.forwarding = forwarding;
    }

    /** Never blocks: an event loop calls this. */
    public boolean offer(Received r) {
        return offerBatch(List.of(r)) == 1;
    }

    /** Never blocks: queues what fits, counts the rest as dropped; returns how many were queued. */
    public int offerBatch(List<Received> batch) {
        int room = room();
        long bytesRoom = MAX_QUEUED_BYTES - pendingBytes.get();
        int n = 0;
        long bytes = 0;
        while (n < batch.size() && n < room) {
            long size = batch.get(n).raw().length;
            if (bytes + size > bytesRoom) {
                break;
            }
            bytes += size;
            n++;
        }
        if (n < batch.size()) {
            counters.queueFull.add(batch.size() - n);
        }
        if (n > 0) {
            enqueue(n == batch.size() ? batch : batch.subList(0, n), bytes);
        }
        return n;
    }

    /** Room left in the queue. */
    public int room() {
        return pendingBytes.get() >= MAX_QUEUED_BYTES ? 0 : Math.max(0, capacity - pending.get());
    }

    /** Room for TCP: no more than this, so TCP never has to drop. */
    public int streamRoom() {
        return Math.min(room(), Math.max(0, Math.min(capacity, STREAM_QUEUE_LIMIT) - pending.get()));
    }

    /** For TCP after checking {@link #streamRoom()}: queues the batch whole (another reader may overshoot by a batch). */
    public void put(List<Received> batch) {
        if (!batch.isEmpty()) {
            enqueue(batch, bytesOf(batch));
        }
    }

    private void enqueue(List<Received> batch, long bytes) {
        pending.addAndGet(batch.size());
        pendingBytes.addAndGet(bytes);
        queue.offer(batch);
    }

    private static long bytesOf(List<Received> batch) {
        long bytes = 0;
        for (Received r : batch) {
            bytes += r.raw().length;
        }
        return bytes;
    }

    public int queued() {
        return pending.get();
    }

    private void run() {
        if (predecessor != null) {
            predecessor.awaitStopped();
        }
        List<List<Received>> batch = new ArrayList<>(BATCH);
        long lastFlush = System.nanoTime();
        boolean dirty = false;
        try {
            while (true) {
                if (queue.drainTo(batch, BATCH) == 0) {
                    if (stopping) {
                        break;
                    }
                    if (dirty && System.nanoTime() - lastFlush >= IDLE_FLUSH_NANOS) {
                        store.flush();
                        dirty = false;
                        lastFlush = System.nanoTime();
                    }
                    // Poll rather than block on the queue: producers then never pay for waking this thread
                    // (a futex call per datagram at moderate rates); a 1 ms nap costs nothing measurable.
                    LockSupport.parkNanos(POLL_NANOS);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    continue;
                }
                for (List<Received> b : batch) {
                    for (Received r : b) {
                        file(r);
                    }
                    release(b);
                }
                batch.clear();
                dirty = true;
                if (System.nanoTime() - lastFlush >= MAX_FLUSH_NANOS) {
                    store.flush();
                    dirty = false;
                    lastFlush = System.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            // Grace ran out: file what is already queued without waiting for more, then close.
            List<Received> b;
            while ((b = queue.poll()) != null) {
                for (Received r : b) {
                    file(r);
                }
                release(b);
            }
        } finally {
            store.close();
        }
    }

    private void release(List<Received> b) {
        pendingBytes.addAndGet(-bytesOf(b));
        pending.addAndGet(-b.size());
    }

    private void file(Received r) {
        int length = format.encode(r, truncationMarker); // first: it may grow the buffer bytes() returns
        store.append(r, format.bytes(), length);
        counters.filed.increment();
        SyslogReceived event = new SyslogReceived(r.at(), r.sender(), r.message().facility(), r.message().severity(),
                r.message().hostname(), r.message().app(), r.message().message());
        recent.add(event);
        events.publish(event);
        try {
            forwarding.accept(r);
        } catch (RuntimeException e) {
            log.warn("syslog forwarding failed for {}: {}", r.sender(), e.toString());
        }
    }

    /** Stops taking messages, files what is queued, flushes and closes; waits at most {@code grace}. */
    public void stop(Duration grace) {
        stopping = true;
        if (!thread.isAlive()) {
            if (thread.getState() == Thread.State.NEW) {
                store.close();
            }
            return;
        }
        try {
            thread.join(Math.max(1, grace.toMillis()));
            if (thread.isAlive()) {
                log.warn("syslog writer still busy after {} ms with {} queued; filing the rest now", grace.toMillis(),
                        pending.get());
                thread.interrupt();
                thread.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For a replacement writer: stop this one and wait until it has closed its files. */
    void awaitStopped() {
        stopping = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
