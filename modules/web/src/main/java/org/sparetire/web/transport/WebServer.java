package org.sparetire.web.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.net.BindFailures;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.core.time.Clock;
import org.sparetire.web.api.WebApi;
import org.sparetire.web.metrics.ApplianceMetrics;
import org.sparetire.web.store.Dashboard;

/**
 * The dashboard's HTTP listener, on one event loop of its own: the services' loops never run a page
 * view, and a page view never queues behind a DHCP or TFTP burst. One thread also applies the
 * dashboard's queued events, so they are applied in order. Rebinding opens the new listener before the
 * old one closes, and closing a listener leaves its open connections (and live streams) alone, so a
 * reload that moves the port drops nothing in flight.
 */
public final class WebServer {
    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    /** Forms and API calls are tiny; anything larger is not for us. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;
    static final Duration IDLE_CLOSE = Duration.ofSeconds(60);
    static final Duration PING_EVERY = Duration.ofSeconds(15);

    private final NetRuntime net;
    private final EventLoopGroup group;
    private final LiveFeed feed;
    private final WebApi api;
    private final ChannelGroup connections = new DefaultChannelGroup("sparetire-web", GlobalEventExecutor.INSTANCE);
    private final Dashboard dashboard;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile int maxClients;
    private volatile Channel listener;
    private ScheduledFuture<?> pinger;
    private ScheduledFuture<?> flusher;

    public WebServer(NetRuntime net, WebApi api, Dashboard dashboard, ApplianceMetrics metrics, Clock clock,
                     int maxClients) {
        this.net = net;
        this.group = net.newGroup("sparetire-web", 1);
        this.api = api;
        this.dashboard = dashboard;
        this.maxClients = maxClients;
        this.feed = new LiveFeed(clock, metrics);
    }

    /** The web's own event loop: dashboard events are applied there, and answers continue there. */
    public java.util.concurrent.Executor executor() {
        return group.next();
    }

    public void setMaxClients(int maxClients) {
        this.maxClients = maxClients;
    }

    /** Binds, or throws with the one line a person needs ({@code cannot bind 127.0.0.1:8069: ...}). */
    public synchronized InetSocketAddress bind(InetSocketAddress address) throws BindException {
        Channel bound;
        try {
            bound = new ServerBootstrap()
                    .group(group)
                    .channel(net.serverChannel())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 256 * 1024))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (connections.size() >= maxClients) {
                                ch.pipeline().addLast(new BusyAnswer());
                                return;
                            }
                            connections.add(ch);
                            ch.pipeline()
                                    .addLast(new IdleStateHandler((int) IDLE_CLOSE.toSeconds(), 0, 0))
                                    .addLast(new HttpServerCodec(4096, 16 * 1024, 16 * 1024))
                                    .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                    .addLast(new HttpHandler(api, feed, inFlight));
                        }
                    })
                    .bind(address).sync().channel();
        } catch (Exception e) {
            throw new BindException(BindFailures.describe(address, "web.port", e), e);
        }
        Channel old = listener;
        listener = bound;
        if (old != null) {
            old.close();
        } else {
            dashboard.addListener(feed);
            pinger = group.next().scheduleAtFixedRate(feed::ping, PING_EVERY.toMillis(), PING_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
            flusher = group.next().scheduleAtFixedRate(feed::flush, LiveFeed.FLUSH_MILLIS, LiveFeed.FLUSH_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
        InetSocketAddress local = (InetSocketAddress) bound.localAddress();
        log.info("web: dashboard at http://{}/", org.sparetire.core.net.Addresses.format(local));
        return local;
    }

    public InetSocketAddress localAddress() {
        Channel l = listener;
        return l == null ? null : (InetSocketAddress) l.localAddress();
    }

    public int openConnections() {
        return connections.size();
    }

    public int liveStreams() {
        return feed.size();
    }

    /**
     * Stops listening, ends live streams at once (they would never finish by themselves), lets
     * ordinary requests in progress finish for at most {@code grace}, then closes the rest.
     */
    public synchronized void close(Duration grace) {
        if (listener != null) {
            listener.close().awaitUninterruptibly(2000);
            listener = null;
        }
        dashboard.removeListener(feed);
        if (pinger != null) {
            pinger.cancel(false);
            flusher.cancel(false);
            pinger = null;
            flusher = null;
        }
        feed.closeAll();
        long deadline = System.nanoTime() + grace.toNanos();
        // Idle keep-alive connections hold no work; only requests being answered get the grace period.
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connections.close().awaitUninterruptibly(2000);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Requests received and not yet answered (a reload waits for the lifecycle thread). */
    public int requestsInFlight() {
        return inFlight.get();
    }

    /** A listener that could not bind, with the one-line reason. */
    public static final class BindException extends Exception {
        public BindException(String oneLine, Throwable cause) {
            super(oneLine, cause);
        }
    }
}
