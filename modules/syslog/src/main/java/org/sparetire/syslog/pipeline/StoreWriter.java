package org.sparetire.syslog.pipeline;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.event.SyslogReceived;
import org.sparetire.core.net.Addresses;
import org.sparetire.syslog.codec.RawMessage;
import org.sparetire.syslog.codec.SyslogMessage;
import org.sparetire.syslog.codec.SyslogParser;
import org.sparetire.syslog.codec.Text;
import org.sparetire.syslog.store.LineFormat;
import org.sparetire.syslog.store.LogStore;
import org.sparetire.syslog.store.Received;
import org.sparetire.syslog.store.RecentMessages;
import org.sparetire.syslog.store.SyslogCounters;

/**
 * The one thread that files messages. UDP event loops hand datagrams over as bytes in their
 * {@link DatagramQueue}s, parsed here; TCP readers hand parsed frames over in batches. Event loops never wait: a
 * slow disk must not make the kernel drop datagrams, and when even its queue is full a datagram is counted as
 * dropped (a TCP reader stops reading instead). Buffers are flushed when the queues run dry (at most every
 * 100 ms) and at least once a second under sustained load; stopping drains the queues and flushes everything.
 * Flush pacing is real time (System.nanoTime), as the thread itself is.
 */
public final class StoreWriter {
    private static final Logger log = LoggerFactory.getLogger(StoreWriter.class);
    private static final long IDLE_FLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_FLUSH_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int BATCH = 64;
    /** Datagrams taken from each UDP queue per turn, so TCP batches and the flush clock get their turn too. */
    private static final int UDP_BATCH = 4096;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** TCP frames in batches as the event loops read them, so the hand-off costs one lock per read. */
    private final LinkedBlockingQueue<List<Received>> queue = new LinkedBlockingQueue<>();
    /** Messages queued, for the bound; event loops may overshoot it by one batch each, never more. */
    private final AtomicInteger pending = new AtomicInteger();
    private final int capacity;
    /** Received bytes queued: 16,384 small frames fit easily, as many 64 KiB frames do not. */
    private final AtomicLong pendingBytes = new AtomicLong();
    static final long MAX_QUEUED_BYTES = 64L << 20;
    /**
     * TCP senders wait when the writer is behind (their window fills), so they need only enough queue to
     * keep the writer busy. Stopping them early keeps parsed messages from filling the heap, which the UDP
     * queues and the collector need.
     */
    static final int STREAM_QUEUE_LIMIT = 16_384;
    private final LogStore store;
    private final String truncationMarker;
    private final SyslogCounters counters;
    private final EventBus events;
    private final RecentMessages recent;
    private final Thread thread;
    private final LineFormat format = new LineFormat();
    private final WriterPriority priority = new WriterPriority();
    private final DatagramQueues udpQueues;
    private final DatagramQueue.Sink datagrams = this::fileDatagram;
    private volatile Consumer<Received> forwarding = r -> { };
    private volatile boolean stopping;
    private boolean parserFailureLogged;
    private final StoreWriter predecessor;

    /**
     * @param predecessor a writer being replaced by a reload: this one waits for it to drain before
     *                    touching the files, so lines never interleave and rotation never races
     */
    public StoreWriter(int capacity, LogStore store, String truncationMarker, SyslogCounters counters, EventBus events,
                       RecentMessages recent, DatagramQueues udpQueues, StoreWriter predecessor) {
        this.capacity = capacity;
        this.udpQueues = udpQueues;
        this.store = store;
        this.truncationMarker = truncationMarker;
        this.counters = counters;
        this.events = events;
        this.recent = recent;
        this.predecessor = predecessor;
        this.thread = new Thread(this::run, "syslog-writer");
        this.thread.setDaemon(true);
        // Below the event loops until its queue is 80 % full (WriterPriority): when the collector is short
        // of CPU, datagrams the kernel drops are gone unseen, while a writer that falls behind only lengthens its
        // queue. At an even share, held to half a core, the event loop fell behind and the kernel dropped what
        // the queue had room for. On Linux this takes -XX:ThreadPriorityPolicy=1 (scripts/jvm-options: nice 10,
        // and nice 0 when raised, which needs root or CAP_SYS_NICE; without, it stays at nice 10).
        this.thread.setPriority(Thread.MIN_PRIORITY);
    }

    public void start() {
        thread.start();
    }

    public void forwardTo(Consumer<Received> forwarding) {
        this.forwarding = forwarding;
    }

    /** Frames TCP may queue now: no more than this, so TCP never has to drop. */
    public int streamRoom() {
        if (pendingBytes.get() >= MAX_QUEUED_BYTES) {
            return 0;
        }
        return Math.max(0, Math.min(capacity, STREAM_QUEUE_LIMIT) - pending.get());
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

    /** Messages waiting: TCP batches and UDP datagrams. */
    public int queued() {
        return pending.get() + udpQueues.pending();
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
                int fromUdp = udpQueues.drain(UDP_BATCH, datagrams);
                if (queue.drainTo(batch, BATCH) == 0 && fromUdp == 0) {
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
                // TCP frames count against their own limit: when it is reached, the readers stop and wait for this.
                double streamFill = pending.get() / (double) Math.min(capacity, STREAM_QUEUE_LIMIT);
                int wanted = priority.forFill(Math.max(udpQueues.fill(), streamFill));
                if (wanted != thread.getPriority()) {
                    thread.setPriority(wanted);
                }
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
            while (udpQueues.drain(UDP_BATCH, datagrams) > 0) {
                // until every UDP queue is empty
            }
        } finally {
            store.close();
        }
    }

    private void release(List<Received> b) {
        pendingBytes.addAndGet(-bytesOf(b));
        pending.addAndGet(-b.size());
    }

    /** A datagram from a UDP queue: parsed here, off the event loop, then filed like any other message. */
    private void fileDatagram(Instant at, InetSocketAddress sender, byte[] data, int offset, int length,
                              boolean truncated) {
        SyslogMessage m;
        try {
            m = SyslogParser.parse(data, offset, length, at);
        } catch (RuntimeException e) {
            // A parser bug must not stop the one thread that files everything: the datagram is kept raw.
            if (!parserFailureLogged) {
                parserFailureLogged = true;
                log.warn("syslog: parsing a datagram from {} failed ({}); filed raw, as any later such will be",
                        Addresses.format(sender), e.toString());
            }
            m = RawMessage.of(Text.decode(data, offset, length));
        }
        file(new Received(at, sender, "udp", m, Arrays.copyOfRange(data, offset, offset + length), truncated));
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
