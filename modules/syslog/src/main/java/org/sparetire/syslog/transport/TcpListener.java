package org.sparetire.syslog.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.BindFailures;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.syslog.SyslogConfig;
import org.sparetire.syslog.codec.FrameDecoder;
import org.sparetire.syslog.codec.MalformedPacketException;
import org.sparetire.syslog.pipeline.Intake;
import org.sparetire.syslog.store.Received;
import org.sparetire.syslog.store.SyslogCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP listener (RFC 6587). Each connection gets its own {@link FrameDecoder}; a framing error closes
 * that connection only. Limits apply to connections accepted after a reload; open ones keep theirs.
 */
public final class TcpListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpListener.class);

    private final Channel server;
    private final ChannelGroup connections;
    private volatile SyslogConfig.Tcp limits;

    private TcpListener(Channel server, ChannelGroup connections, SyslogConfig.Tcp limits) {
        this.server = server;
        this.connections = connections;
        this.limits = limits;
    }

    public static TcpListener bind(NetRuntime net, InetSocketAddress address, SyslogConfig.Tcp limits, Intake intake,
                                   SyslogCounters counters) throws ServiceStartException {
        ChannelGroup connections = new DefaultChannelGroup("syslog-tcp", GlobalEventExecutor.INSTANCE);
        TcpListener[] self = new TcpListener[1];
        ServerBootstrap b = new ServerBootstrap().group(net.group()).channel(net.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        TcpListener listener = self[0];
                        SyslogConfig.Tcp l = listener == null ? limits : listener.limits;
                        if (!l.idleTimeout().isZero()) {
                            ch.pipeline().addLast(new IdleStateHandler(0, 0, l.idleTimeout().toMillis(),
                                    TimeUnit.MILLISECONDS));
                        }
                        ch.pipeline().addLast(new Connection(connections, l, intake, counters));
                    }
                });
        Channel ch;
        try {
            ch = b.bind(address).sync().channel();
        } catch (Exception e) {
            throw new ServiceStartException(BindFailures.describe(address, "syslog.tcp.port", e), e);
        }
        self[0] = new TcpListener(ch, connections, limits);
        return self[0];
    }

    public void limits(SyslogConfig.Tcp limits) {
        this.limits = limits;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    public int connections() {
        return connections.size();
    }

    /** Stops accepting; open connections stay until {@link #closeConnections()} (a rebind keeps them). */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }

    public void closeConnections() {
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** One sender's stream. */
    static final class Connection extends ChannelInboundHandlerAdapter {
        private final ChannelGroup connections;
        private final FrameDecoder decoder;
        private final Intake intake;
        private final SyslogCounters counters;
        private final int maxConnections;
        private InetSocketAddress peer;
        private long frames;
        private final java.util.ArrayDeque<Received> backlog = new java.util.ArrayDeque<>();
        private boolean retryScheduled;
        private boolean admitted;

        Connection(ChannelGroup connections, SyslogConfig.Tcp limits, Intake intake, SyslogCounters counters) {
            this.connections = connections;
            this.decoder = new FrameDecoder(limits.maxFrame());
            this.intake = intake;
            this.counters = counters;
            this.maxConnections = limits.maxConnections();
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            peer = (InetSocketAddress) ctx.channel().remoteAddress();
            if (!intake.allows(peer)) {
                ctx.close();
                return;
            }
            if (connections.size() >= maxConnections) {
                counters.connectionsRefused.increment();
                log.warn("syslog tcp {}: refused, {} connections open (syslog.tcp.max-connections)",
                        Addresses.format(peer), maxConnections);
                ctx.close();
                return;
            }
            connections.add(ctx.channel());
            admitted = true;
            log.debug("syslog tcp {}: connected", Addresses.format(peer));
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                byte[] data = new byte[buf.readableBytes()];
                buf.readBytes(data);
                deliver(decoder.feed(data));
                drain(ctx);
            } catch (MalformedPacketException e) {
                counters.framingErrors.increment();
                log.warn("syslog tcp {}: {} at stream offset {}; closing this connection", Addresses.format(peer),
                        e.reason(), e.offset());
                ctx.close();
            } finally {
                buf.release();
            }
        }

        private void deliver(List<FrameDecoder.Frame> list) {
            Instant receivedAt = list.isEmpty() ? null : intake.now();
            for (FrameDecoder.Frame f : list) {
                frames++;
                Received r = intake.admit(peer, "tcp", f.data(), 0, f.data().length, f.truncated(), false, receivedAt);
                if (r != null) {
                    backlog.add(r);
                }
            }
        }

        /**
         * Hands the backlog to the writer. When its queue is full, TCP never drops: this connection stops
         * reading (the kernel window fills and the sender slows down) and retries shortly.
         */
        private void drain(ChannelHandlerContext ctx) {
            if (!backlog.isEmpty()) {
                int n = Math.min(intake.room(), backlog.size());
                if (n > 0) {
                    List<Received> batch = new ArrayList<>(n);
                    for (int k = 0; k < n; k++) {
                        batch.add(backlog.poll());
                    }
                    intake.put(batch);
                }
            }
            if (!backlog.isEmpty()) {
                if (ctx.channel().config().isAutoRead()) {
                    ctx.channel().config().setAutoRead(false);
                }
                if (!retryScheduled) {
                    retryScheduled = true;
                    ctx.executor().schedule(() -> {
                        retryScheduled = false;
                        drain(ctx);
                    }, 5, TimeUnit.MILLISECONDS);
                }
                return;
            }
            if (!ctx.channel().config().isAutoRead() && ctx.channel().isActive()) {
                ctx.channel().config().setAutoRead(true);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // The group forgets a channel as soon as it closes, so remember admission here.
            if (admitted) {
                deliver(decoder.finish());
                drain(ctx);
                log.debug("syslog tcp {}: closed after {} messages", Addresses.format(peer), frames);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                log.info("syslog tcp {}: idle for {}, closing", Addresses.format(peer),
                        Duration.ofMillis(((IdleStateHandler) ctx.pipeline().first()).getAllIdleTimeInMillis()));
                ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset from a rebooting device is routine: one line, no stack trace.
            String what = cause instanceof IOException ? cause.getMessage() : cause.toString();
            log.info("syslog tcp {}: {}", peer == null ? "?" : Addresses.format(peer), what);
            ctx.close();
        }
    }
}
