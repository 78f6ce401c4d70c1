package org.sparetire.syslog.pipeline;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The queues of every UDP socket, shared by whichever writer is current: a reload that replaces the writer keeps
 * the sockets and their queues, and the new writer starts draining where the old one stopped.
 */
public final class DatagramQueues {
    static final long MIN_BYTES = 1 << 20;
    /**
     * About a second at 200,000 typical datagrams/s, to ride out a disk stalled by write-back; a flood of 64 KiB
     * datagrams cannot take more of the heap. A backlog's chunks stay for reuse, so this is also what a flood adds
     * to the resident memory for good (docs/syslog.md, Performance).
     */
    static final long MAX_BYTES = 32 << 20;
    /** Bytes per message of {@code syslog.queue}: 32 MiB for the default 262,144. */
    static final int BYTES_PER_MESSAGE = 128;

    private final List<DatagramQueue> queues = new CopyOnWriteArrayList<>();
    private volatile int queue;

    /** @param queue {@code syslog.queue}: messages waiting per socket at most */
    public DatagramQueues(int queue) {
        resize(queue);
    }

    /** For queues opened from now on (a reload with another {@code syslog.queue}). */
    public void resize(int queue) {
        this.queue = queue;
    }

    /** Memory for {@code queue} messages at most: between 1 MiB and 32 MiB, taken only as the backlog grows. */
    static long bytesFor(int queue) {
        return Math.max(MIN_BYTES, Math.min(MAX_BYTES, (long) queue * BYTES_PER_MESSAGE));
    }

    /** A queue for one more socket; close it when the socket closes. */
    public DatagramQueue open() {
        int q = queue;
        DatagramQueue opened = new DatagramQueue(bytesFor(q), q);
        queues.add(opened);
        return opened;
    }

    /** Hands up to {@code max} datagrams of each queue to {@code sink}; forgets closed queues once drained. */
    int drain(int max, DatagramQueue.Sink sink) {
        int n = 0;
        for (DatagramQueue q : queues) {
            n += q.drain(max, sink);
            if (q.finished()) {
                queues.remove(q);
            }
        }
        return n;
    }

    /** The fullest queue's {@link DatagramQueue#fill()}. */
    double fill() {
        double fullest = 0;
        for (DatagramQueue q : queues) {
            fullest = Math.max(fullest, q.fill());
        }
        return fullest;
    }

    /** Datagrams waiting in every queue. */
    int pending() {
        int n = 0;
        for (DatagramQueue q : queues) {
            n += q.pending();
        }
        return n;
    }
}
