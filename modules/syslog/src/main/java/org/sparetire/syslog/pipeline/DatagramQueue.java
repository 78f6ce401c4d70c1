package org.sparetire.syslog.pipeline;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Datagrams on their way from one socket's event loop to the writer thread, kept as bytes in 256 KiB chunks.
 * Queued parsed messages, a dozen objects each, made every young collection copy the backlog and took the CPU
 * the writer needed to catch up (docs/syslog.md, Performance); bytes in a few arrays cost the collector next to
 * nothing, and parsing moves to the writer, which is the one that needs the fields. Chunks are taken as the backlog grows and reused once read, so an idle collector holds one chunk and
 * a flood at most {@code maxBytes}.
 *
 * <p>One producer (the event loop of one socket: {@link #reserve}, copy into {@link #array()}, {@link #commit})
 * and one consumer (the current writer: {@link #drain}). The producer publishes how far a chunk is written with
 * a volatile store and seals it when it moves on; a record never spans two chunks.
 */
public final class DatagramQueue {
    /** Payload length, flags, address length, port, IPv6 scope, epoch second, nanos. */
    static final int HEADER = 4 + 1 + 1 + 2 + 4 + 8 + 4;
    /** Four of the largest datagrams: a chunk is handed on whole, and the writer files it in one go. */
    static final int CHUNK = 256 * 1024;
    private static final int TRUNCATED = 1;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle CHAR = MethodHandles.byteArrayViewVarHandle(char[].class, ByteOrder.nativeOrder());

    /** Hands each datagram to the writer; {@code data} belongs to the queue and is valid only during the call. */
    @FunctionalInterface
    public interface Sink {
        void accept(Instant at, InetSocketAddress sender, byte[] data, int offset, int length, boolean truncated);
    }

    private static final class Chunk {
        final byte[] data = new byte[CHUNK];
        /** Bytes the writer may read. */
        volatile int published;
        /** Set after the last publish: the producer has moved on to another chunk. */
        volatile boolean sealed;
        /** The writer's position. */
        int read;
    }

    private final int maxChunks;
    private final int maxMessages;
    /** Written chunks in order; the head is the one being read. */
    private final ConcurrentLinkedQueue<Chunk> filled = new ConcurrentLinkedQueue<>();
    /** Read chunks, emptied, for the producer to take again. */
    private final ConcurrentLinkedQueue<Chunk> spare = new ConcurrentLinkedQueue<>();
    private final AtomicLong publishedCount = new AtomicLong();
    private final AtomicLong consumedCount = new AtomicLong();
    private volatile boolean closed;

    // Producer side.
    private int chunks;
    private Chunk writing;
    private int writeAt;
    private int pendingEnd;
    private long writeCount;
    private long knownConsumedCount;
    private InetSocketAddress lastSender;
    private byte[] lastAddress;
    private int lastScope;

    // Consumer side.
    private long readCount;
    private final byte[] cachedAddress = new byte[16];
    private int cachedAddressLength = -1;
    private int cachedPort = -1;
    private int cachedScope;
    private InetSocketAddress cachedSender;
    private long cachedSecond = Long.MIN_VALUE;
    private int cachedNanos;
    private Instant cachedInstant;

    /**
     * @param maxBytes    memory for waiting datagrams at most, in whole chunks; at least two, because the chunk
     *                    being written is reused only after the producer has moved on to another
     * @param maxMessages datagrams waiting at most, however small
     */
    public DatagramQueue(long maxBytes, int maxMessages) {
        this.maxChunks = (int) Math.max(2, Math.min(Integer.MAX_VALUE, maxBytes / CHUNK));
        this.maxMessages = maxMessages;
    }

    /** The array {@link #reserve} returned an offset into; copy the payload there before {@link #commit}. */
    public byte[] array() {
        return writing.data;
    }

    /**
     * Room for one datagram of {@code length} bytes (at most 64 KiB).
     *
     * @return the offset in {@link #array()} where its payload goes, or -1 when the queue is full
     */
    public int reserve(Instant at, InetSocketAddress sender, int length, boolean truncated) {
        if (sender != lastSender && !sender.equals(lastSender)) {
            InetAddress a = sender.getAddress();
            lastAddress = a.getAddress();
            lastScope = a instanceof Inet6Address v6 ? v6.getScopeId() : 0;
            lastSender = sender;
        }
        byte[] address = lastAddress;
        int need = HEADER + address.length + length;
        if (need > CHUNK) {
            throw new IllegalArgumentException("a datagram of " + length + " bytes does not fit a chunk");
        }
        if (writeCount - knownConsumedCount >= maxMessages) {
            knownConsumedCount = consumedCount.get();
            if (writeCount - knownConsumedCount >= maxMessages) {
                return -1;
            }
        }
        if (writing == null || CHUNK - writeAt < need) {
            Chunk next = spare.poll();
            if (next == null) {
                if (chunks >= maxChunks) {
                    return -1;
                }
                chunks++;
                next = new Chunk();
            }
            filled.add(next);
            if (writing != null) {
                writing.sealed = true;
            }
            writing = next;
            writeAt = 0;
        }
        byte[] data = writing.data;
        int p = writeAt;
        INT.set(data, p, length);
        data[p + 4] = (byte) (truncated ? TRUNCATED : 0);
        data[p + 5] = (byte) address.length;
        CHAR.set(data, p + 6, (char) sender.getPort());
        INT.set(data, p + 8, lastScope);
        LONG.set(data, p + 12, at.getEpochSecond());
        INT.set(data, p + 20, at.getNano());
        System.arraycopy(address, 0, data, p + HEADER, address.length);
        pendingEnd = p + need;
        return p + HEADER + address.length;
    }

    /** Makes the datagram from the last {@link #reserve} visible to the writer. */
    public void commit() {
        writeAt = pendingEnd;
        writeCount++;
        publishedCount.lazySet(writeCount);
        writing.published = writeAt;
    }

    /**
     * Hands up to {@code max} waiting datagrams to {@code sink}, oldest first, and frees their room.
     *
     * @return how many it handed over
     */
    public int drain(int max, Sink sink) {
        int n = 0;
        try {
            Chunk c;
            while (n < max && (c = filled.peek()) != null) {
                boolean sealed = c.sealed; // before published: once sealed, published is final
                int end = c.published;
                byte[] data = c.data;
                while (c.read < end && n < max) {
                    int p = c.read;
                    int length = (int) INT.get(data, p);
                    boolean truncated = (data[p + 4] & TRUNCATED) != 0;
                    int addressLength = data[p + 5];
                    InetSocketAddress sender = sender(data, p + HEADER, addressLength, (char) CHAR.get(data, p + 6),
                            (int) INT.get(data, p + 8));
                    Instant at = instant((long) LONG.get(data, p + 12), (int) INT.get(data, p + 20));
                    int payload = p + HEADER + addressLength;
                    c.read = payload + length;
                    n++;
                    sink.accept(at, sender, data, payload, length, truncated);
                }
                if (c.read < end || !sealed) {
                    break; // stopped at max, or the producer is still writing into this chunk
                }
                filled.poll();
                c.read = 0;
                c.published = 0;
                c.sealed = false;
                spare.add(c);
            }
        } finally {
            readCount += n;
            consumedCount.lazySet(readCount);
        }
        return n;
    }

    /** Datagrams waiting. */
    public int pending() {
        return (int) (publishedCount.get() - consumedCount.get());
    }

    /**
     * How full the queue is, 0 to 1, by whichever bound is nearer: datagrams, or chunks of memory (not counting
     * the one being written, which stays in the queue when everything has been read).
     */
    double fill() {
        return Math.max(pending() / (double) maxMessages, Math.max(0, filled.size() - 1) / (double) maxChunks);
    }

    /** The producer is gone (its socket closed); the writer forgets the queue once it is empty. */
    public void close() {
        closed = true;
    }

    boolean finished() {
        return closed && pending() == 0;
    }

    /** Chunks taken so far (for tests: memory follows the backlog). */
    int chunks() {
        return filled.size() + spare.size();
    }

    /** Senders repeat: the last one is reused while the bytes match. */
    private InetSocketAddress sender(byte[] data, int offset, int length, int port, int scope) {
        if (length != cachedAddressLength || port != cachedPort || scope != cachedScope
                || !Arrays.equals(data, offset, offset + length, cachedAddress, 0, length)) {
            byte[] bytes = Arrays.copyOfRange(data, offset, offset + length);
            InetAddress address;
            try {
                address = length == 16 && scope != 0 ? Inet6Address.getByAddress(null, bytes, scope)
                        : InetAddress.getByAddress(bytes);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("address of " + length + " bytes in the queue", e);
            }
            System.arraycopy(bytes, 0, cachedAddress, 0, length);
            cachedAddressLength = length;
            cachedPort = port;
            cachedScope = scope;
            cachedSender = new InetSocketAddress(address, port);
        }
        return cachedSender;
    }

    /** A read burst shares one receive time, so consecutive datagrams usually share one Instant too. */
    private Instant instant(long second, int nanos) {
        if (second != cachedSecond || nanos != cachedNanos) {
            cachedSecond = second;
            cachedNanos = nanos;
            cachedInstant = Instant.ofEpochSecond(second, nanos);
        }
        return cachedInstant;
    }
}
