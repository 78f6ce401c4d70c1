package org.sparetire.tftp.transport;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/** A bound request socket. A retired one takes no new requests but serves its single-port transfers to their end. */
final class RequestSocket {
    final Channel channel;
    final InetSocketAddress local;
    private final AtomicInteger transfers = new AtomicInteger();
    private volatile boolean retired;

    RequestSocket(Channel channel) {
        this.channel = channel;
        this.local = (InetSocketAddress) channel.localAddress();
    }

    boolean retired() {
        return retired;
    }

    /** Takes no new requests from now on; closes once its single-port transfers have ended. */
    void retire() {
        retired = true;
        closeIfIdle();
    }

    /** Takes no new requests from now on; left open for whoever stops the server. */
    void stopTakingRequests() {
        retired = true;
    }

    /** A single-port transfer starts on this socket. */
    void transferStarted() {
        transfers.incrementAndGet();
    }

    /** A single-port transfer on this socket has ended. */
    void transferEnded() {
        transfers.decrementAndGet();
        closeIfIdle();
    }

    private void closeIfIdle() {
        if (retired && transfers.get() == 0) {
            channel.close();
        }
    }
}
