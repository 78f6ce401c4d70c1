package org.sparetire.testkit.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Embedded channels (netty's handler test harness: no sockets, the pipeline run on the caller's thread) that
 * report socket addresses, as the handlers read them from a bound or accepted channel.
 */
public final class EmbeddedSockets {
    private EmbeddedSockets() {
    }

    /**
     * @param local  the bound address
     * @param remote the peer of an accepted connection, or null for a datagram socket
     * @return a channel with an id of its own (channel groups tell channels apart by id), handlers added and
     *         active
     */
    public static EmbeddedChannel channel(InetSocketAddress local, InetSocketAddress remote,
                                          ChannelHandler... handlers) {
        return new EmbeddedChannel(DefaultChannelId.newInstance(), handlers) {
            @Override
            protected SocketAddress localAddress0() {
                return local;
            }

            @Override
            protected SocketAddress remoteAddress0() {
                return remote;
            }
        };
    }
}
