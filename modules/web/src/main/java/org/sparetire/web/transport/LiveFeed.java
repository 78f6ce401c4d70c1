package org.sparetire.web.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.sparetire.core.time.Clock;
import org.sparetire.web.api.WebApi;
import org.sparetire.web.metrics.ApplianceMetrics;
import org.sparetire.web.store.Dashboard;

/**
 * The open server-sent-event streams and the fan-out of dashboard updates to them. A browser that
 * cannot keep up (its socket buffer past the high-water mark) misses updates instead of growing our
 * heap; when it catches up it is told to {@code resync}, and reloads the page's data.
 */
final class LiveFeed implements Consumer<Dashboard.Update> {
    static final AttributeKey<Boolean> LAGGING = AttributeKey.valueOf("sparetire.web.lagging");
    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] HELLO = "retry: 3000\n: sparetire live feed\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] RESYNC = "event: resync\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8);

    private final ChannelGroup streams = new DefaultChannelGroup("sparetire-web-streams", GlobalEventExecutor.INSTANCE);
    private final Clock clock;
    private final ApplianceMetrics metrics;

    LiveFeed(Clock clock, ApplianceMetrics metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    void open(Channel channel) {
        streams.add(channel);
        write(channel, HELLO);
    }

    boolean isStream(Channel channel) {
        return streams.contains(channel);
    }

    int size() {
        return streams.size();
    }

    @Override
    public void accept(Dashboard.Update update) {
        if (streams.isEmpty()) {
            return;
        }
        byte[] frame = WebApi.sseFrame(update, clock.now());
        if (frame.length == 0) {
            return;
        }
        for (Channel ch : streams) {
            if (ch.isWritable()) {
                write(ch, frame);
            } else {
                ch.attr(LAGGING).set(Boolean.TRUE);
                metrics.liveUpdateDropped();
            }
        }
    }

    /** Called when a stream's socket drained: a client that missed updates must reload its data. */
    void writable(Channel ch) {
        if (ch.isWritable() && Boolean.TRUE.equals(ch.attr(LAGGING).getAndSet(Boolean.FALSE)) && isStream(ch)) {
            write(ch, RESYNC);
        }
    }

    /** Keeps idle proxies and NATs from closing quiet streams, and finds dead clients. */
    void ping() {
        for (Channel ch : streams) {
            if (ch.isWritable()) {
                write(ch, PING);
            }
        }
    }

    private static void write(Channel ch, byte[] bytes) {
        ch.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
    }

    /** Ends every stream (shutdown): browsers reconnect to wherever the dashboard comes back. */
    void closeAll() {
        streams.close().awaitUninterruptibly(2000);
    }
}
