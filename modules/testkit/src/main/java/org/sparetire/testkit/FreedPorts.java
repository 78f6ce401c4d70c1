package org.sparetire.testkit;

import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;

/**
 * Takes a loopback UDP port that a stopped service has just given up. On NIO the JDK defers closing a channel
 * registered with a selector until the event loop next selects, a moment after the close completes (an
 * immediate rebind failed about half the time); epoll releases it at once.
 */
public final class FreedPorts {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private FreedPorts() {
    }

    /** A socket on 127.0.0.1:{@code port}, retried for up to 5 s while the port is still held; close it. */
    public static DatagramSocket udp(int port) throws SocketException, InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (true) {
            try {
                return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (BindException stillHeld) {
                if (System.nanoTime() - deadline > 0) {
                    throw stillHeld;
                }
                Thread.sleep(10);
            }
        }
    }
}
