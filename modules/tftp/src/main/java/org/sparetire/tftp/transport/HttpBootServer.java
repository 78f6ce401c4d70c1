package org.sparetire.tftp.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.BindFailures;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.core.time.Clock;
import org.sparetire.tftp.policy.Admission;
import org.sparetire.tftp.policy.RequestPolicy;

/**
 * The HTTP boot listener: GET and HEAD of files under the TFTP root, nothing else. Rebinding opens the
 * new listener before the old one closes and leaves open connections alone, so a reload that moves the
 * port cuts no download.
 */
public final class HttpBootServer {
    static final Logger log = LoggerFactory.getLogger("org.sparetire.http-boot");

    private final NetRuntime net;
    private final EventBus events;
    private final Clock clock;
    private final ChannelGroup connections = new DefaultChannelGroup("sparetire-http-boot", GlobalEventExecutor.INSTANCE);
    private final Set<Download> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong served = new AtomicLong();
    private volatile Settings settings;
    private volatile boolean stopping;
    private Channel listener;

    /**
     * What a new request is decided with; swapped whole on reconfiguration.
     *
     * @param admission        downloads at once, whole server and per client
     * @param maxConnections   open connections at most; more are closed at once
     * @param progressInterval TransferProgress events at most this often per download
     */
    public record Settings(RequestPolicy policy, Admission admission, int maxConnections, Duration idleTimeout,
                           Duration progressInterval) {
    }

    public HttpBootServer(NetRuntime net, EventBus events, Clock clock) {
        this.net = net;
        this.events = events;
        this.clock = clock;
    }

    EventBus events() {
        return events;
    }

    Clock clock() {
        return clock;
    }

    Settings settings() {
        return settings;
    }

    boolean stopping() {
        return stopping;
    }

    /** Binds, or fails leaving nothing bound. */
    public synchronized void start(InetSocketAddress address, Settings initial) throws ServiceStartException {
        settings = initial;
        listener = bind(address);
    }

    private Channel bind(InetSocketAddress address) throws ServiceStartException {
        ChannelFuture f = new ServerBootstrap()
                .group(net.group())
                .channelFactory(net.serverChannelFor(address.getAddress()))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Settings s = settings;
                        if (stopping || connections.size() >= s.maxConnections()) {
                            log.debug("http-boot connection refused: peer={} over the connection limit",
                                    Addresses.format(ch.remoteAddress()));
                            ch.close();
                            return;
                        }
                        connections.add(ch);
                        ch.pipeline()
                                .addLast(new IdleStateHandler(true, 0, 0, s.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                                .addLast(new HttpServerCodec(4096, 8192, 8192))
                                .addLast(new ChunkedWriteHandler())
                                .addLast(new DownloadHandler(HttpBootServer.this));
                    }
                })
                .bind(address).awaitUninterruptibly();
        if (!f.isSuccess()) {
            f.channel().close();
            throw new ServiceStartException(BindFailures.describe(address, "http-boot.port", f.cause()), f.cause());
        }
        log.info("http-boot listening on http://{}/", Addresses.format((InetSocketAddress) f.channel().localAddress()));
        return f.channel();
    }

    /** New requests use these settings; running downloads keep theirs. */
    public void update(Settings next) {
        settings = next;
    }

    /** Moves the listener; connections already open stay on the old one until they end. */
    public synchronized void rebind(InetSocketAddress address) throws ServiceStartException {
        Channel next = bind(address);
        Channel old = listener;
        listener = next;
        old.close();
    }

    public synchronized InetSocketAddress localAddress() {
        return listener == null ? null : (InetSocketAddress) listener.localAddress();
    }

    public int activeDownloads() {
        return live.size();
    }

    public long servedDownloads() {
        return served.get();
    }

    void started(Download d) {
        live.add(d);
    }

    void ended(Download d) {
        if (live.remove(d)) {
            served.incrementAndGet();
        }
    }

    /** Stops listening, lets downloads finish for at most {@code grace}, then closes every connection. */
    public void stop(Duration grace) {
        Channel l;
        synchronized (this) {
            stopping = true;
            l = listener;
            listener = null;
        }
        if (l != null) {
            l.close().awaitUninterruptibly(2000);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!live.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connections.close().awaitUninterruptibly(2000);
    }
}
