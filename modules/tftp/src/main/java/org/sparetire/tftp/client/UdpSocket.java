package org.sparetire.tftp.client;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The transfer's UDP socket. A receive first tries the socket without waiting and only then sleeps in
 * a selector, so while a fast server keeps the queue full every block costs one system call, not the
 * three of a timed blocking receive (try, poll, try again).
 */
final class UdpSocket implements Closeable {
    private static final long SEND_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private final DatagramChannel channel;
    private final Selector selector;

    UdpSocket(InetSocketAddress server) throws IOException {
        boolean v4 = server.getAddress().getAddress().length == 4;
        channel = DatagramChannel.open(v4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        try {
            channel.bind(new InetSocketAddress(v4 ? "0.0.0.0" : "::", 0));
            channel.configureBlocking(false);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    void send(ByteBuffer datagram, InetSocketAddress to) throws IOException {
        long started = System.nanoTime();
        // A full send buffer makes a non-blocking send return 0; it drains within microseconds.
        while (channel.send(datagram, to) == 0) {
            if (System.nanoTime() - started > SEND_PATIENCE_NANOS) {
                throw new IOException("could not send to " + to + ": the socket's send buffer stays full");
            }
            LockSupport.parkNanos(20_000);
        }
    }

    /** The sender of the datagram now in {@code into} (flip it to read), or null when none came in time. */
    InetSocketAddress receive(ByteBuffer into, long timeoutNanos) throws IOException {
        long giveUp = System.nanoTime() + Math.max(0, timeoutNanos);
        while (true) {
            into.clear();
            InetSocketAddress from = (InetSocketAddress) channel.receive(into);
            if (from != null) {
                return from;
            }
            long left = giveUp - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left + 999_999)));
            selector.selectedKeys().clear();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }
}
