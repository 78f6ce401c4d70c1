package org.sparetire.core.net.runtime;

import io.netty.channel.unix.IntegerUnixChannelOption;

/** Linux socket options Netty has no name for (values from asm-generic/socket.h). */
public final class LinuxSocketOptions {
    private LinuxSocketOptions() {
    }

    public static final int SOL_SOCKET = 1;

    /**
     * SO_RCVBUF without the net.core.rmem_max cap (often 208 KiB); needs CAP_NET_ADMIN (root). rsyslog's
     * imudp asks for it the same way.
     */
    public static final IntegerUnixChannelOption SO_RCVBUFFORCE =
            new IntegerUnixChannelOption("SO_RCVBUFFORCE", SOL_SOCKET, 33);

    /** SO_SNDBUF without the net.core.wmem_max cap; needs CAP_NET_ADMIN (root). */
    public static final IntegerUnixChannelOption SO_SNDBUFFORCE =
            new IntegerUnixChannelOption("SO_SNDBUFFORCE", SOL_SOCKET, 32);
}
