package org.sparetire.tftp.transport;

import io.netty.channel.epoll.SegmentedDatagramPacket;

/**
 * Whether one server's windows may leave as UDP segmentation offload sends (Linux 4.18+): a window of equal
 * blocks goes down in one system call as one buffer, and the kernel cuts it into datagrams further down
 * the stack, so the route lookup and socket layer run once per window. The peer sees ordinary datagrams.
 * Off for good once a send is refused, since some devices (tunnels without checksum offload) refuse it.
 * Asked only once an epoll channel sends, whose native library is loaded by then: asking first on NIO
 * would load it from the jar on the event loop.
 */
final class Segmentation {
    private volatile Boolean supported;

    boolean supported() {
        Boolean s = supported;
        if (s == null) {
            s = SegmentedDatagramPacket.isSupported();
            supported = s;
        }
        return s;
    }

    void refused() {
        supported = false;
    }
}
