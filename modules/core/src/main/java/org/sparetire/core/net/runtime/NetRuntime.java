package org.sparetire.core.net.runtime;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one set of event loops every service shares, and the channel classes that go with it: the native
 * epoll transport on Linux when it loads, NIO everywhere else (a technician's macOS or Windows laptop).
 */
public final class NetRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NetRuntime.class);

    /** System property that forces a transport for a whole test run: auto, epoll or nio. */
    public static final String TRANSPORT_PROPERTY = "sparetire.transport";

    private final String name;
    private final EventLoopGroup group;
    private final Class<? extends DatagramChannel> datagramChannel;
    private final Class<? extends ServerSocketChannel> serverChannel;
    private final Class<? extends SocketChannel> socketChannel;

    private NetRuntime(String name, EventLoopGroup group, Class<? extends DatagramChannel> datagramChannel,
                       Class<? extends ServerSocketChannel> serverChannel, Class<? extends SocketChannel> socketChannel) {
        this.name = name;
        this.group = group;
        this.datagramChannel = datagramChannel;
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
    }

    /**
     * @param preference {@code auto}, {@code epoll} or {@code nio}; an epoll request that cannot load
     *                   falls back to NIO with a warning rather than leaving the appliance dead
     * @param threads    event loop threads; 0 means Netty's default (2 x cores)
     */
    public static NetRuntime create(String preference, int threads) {
        String wanted = preference == null ? "auto" : preference.toLowerCase(Locale.ROOT);
        if (!wanted.equals("nio")) {
            if (Epoll.isAvailable()) {
                return new NetRuntime("epoll", new EpollEventLoopGroup(threads, new DefaultThreadFactory("sparetire-io", true),
                        ReplyPolling.FACTORY),
                        EpollDatagramChannel.class, EpollServerSocketChannel.class, EpollSocketChannel.class);
            }
            if (wanted.equals("epoll")) {
                log.warn("epoll transport requested but unavailable ({}); using NIO", Epoll.unavailabilityCause().toString());
            }
        }
        return new NetRuntime("nio", new NioEventLoopGroup(threads, new DefaultThreadFactory("sparetire-io", true)),
                NioDatagramChannel.class, NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /** The transport {@code auto} picks on this machine: {@code epoll} where the native library loads, else {@code nio}. */
    public static String automaticChoice() {
        return Epoll.isAvailable() ? "epoll" : "nio";
    }

    /** The transport named by the {@value #TRANSPORT_PROPERTY} system property, for tests. */
    public static NetRuntime fromSystemProperty() {
        return create(System.getProperty(TRANSPORT_PROPERTY, "auto"), 2);
    }

    public String name() {
        return name;
    }

    public EventLoopGroup group() {
        return group;
    }

    /**
     * A group of its own for a service that must never share a thread with the others (the dashboard:
     * a page view must not wait behind DHCP, nor DHCP behind a page view), on the same transport as
     * {@link #group()} so the channel classes fit. The caller shuts it down.
     */
    public EventLoopGroup newGroup(String threadName, int threads) {
        DefaultThreadFactory factory = new DefaultThreadFactory(threadName, true);
        if (group instanceof EpollEventLoopGroup) {
            return new EpollEventLoopGroup(threads, factory);
        }
        return new NioEventLoopGroup(threads, factory);
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        return datagramChannel;
    }

    /**
     * Datagram channels for a socket bound to {@code local}: a plain IPv4 socket for an IPv4 address
     * (0.0.0.0 included), because the kernel's IPv4 receive path is shorter than IPv4-mapped IPv6;
     * the default (dual-stack) socket otherwise.
     */
    public ChannelFactory<? extends DatagramChannel> datagramChannelFor(InetAddress local) {
        if (local instanceof Inet4Address) {
            if (datagramChannel == EpollDatagramChannel.class) {
                return () -> new EpollDatagramChannel(InternetProtocolFamily.IPv4);
            }
            if (datagramChannel == NioDatagramChannel.class) {
                return () -> new NioDatagramChannel(InternetProtocolFamily.IPv4);
            }
        }
        return new ReflectiveChannelFactory<>(datagramChannel);
    }

    public Class<? extends ServerSocketChannel> serverChannel() {
        return serverChannel;
    }

    /**
     * Listening channels for a socket bound to {@code local}: a plain IPv4 socket for an IPv4 address, so
     * 0.0.0.0 means every IPv4 interface (as it says in the config) rather than the dual-stack socket
     * Netty opens by default, which would take IPv6 connections too; the default socket otherwise.
     */
    public ChannelFactory<? extends ServerSocketChannel> serverChannelFor(InetAddress local) {
        if (local instanceof Inet4Address) {
            if (serverChannel == EpollServerSocketChannel.class) {
                return () -> new EpollServerSocketChannel(InternetProtocolFamily.IPv4);
            }
            if (serverChannel == NioServerSocketChannel.class) {
                return () -> new NioServerSocketChannel(SelectorProvider.provider(), InternetProtocolFamily.IPv4);
            }
        }
        return new ReflectiveChannelFactory<>(serverChannel);
    }

    public Class<? extends SocketChannel> socketChannel() {
        return socketChannel;
    }

    public void close(Duration quietPeriod) {
        group.shutdownGracefully(quietPeriod.toMillis(), Math.max(quietPeriod.toMillis(), 2000), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }

    @Override
    public String toString() {
        return name;
    }
}
