package org.sparetire.syslog.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The queues of every UDP socket, shared by whichever writer is current: a reload that replaces the writer keeps
 * the sockets and their queues, and the new writer starts draining where the old one stopped.
 */
public final class DatagramQueues {
    static final long MIN_BYTES = 1 << 20;
    /** As the queue of parsed messages before it: a flood of 64 KiB datagrams cannot exhaust the heap. */
    static final long MAX_BYTES = 64 << 20;
    /** Bytes per message of {@code syslog.queue}: room for the count when datagrams are 200 bytes or so. */
    static final int BYTES_PER_MESSAGE = 256;

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

    /** Memory for {@code queue} messages at most: between 1 MiB and 64 MiB, taken only as the backlog grows. */
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

    /** Datagrams waiting in every queue. */
    int pending() {
        int n = 0;
        for (DatagramQueue q : queues) {
            n += q.pending();
        }
        return n;
    }
}
