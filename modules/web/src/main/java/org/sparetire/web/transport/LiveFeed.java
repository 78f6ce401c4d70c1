package org.sparetire.web.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.sparetire.core.time.Clock;
import org.sparetire.web.api.WebApi;
import org.sparetire.web.metrics.ApplianceMetrics;
import org.sparetire.web.store.Dashboard;
import org.sparetire.web.store.TransferView;

/**
 * The open server-sent-event streams and the fan-out of dashboard updates to them.
 *
 * <p>Publishers (the services' event loops) only append to a bounded queue; a timer on the web's own
 * event loop drains it every {@link #FLUSH_MILLIS} ms, encodes each update once, and writes one batch
 * per browser. Progress of a running transfer is coalesced to its latest value per batch, so a fast
 * transfer costs the browser a few updates a second however often the TFTP service reports.
 *
 * <p>A browser that cannot keep up (its socket buffer past the high-water mark), or a burst that
 * overflows the queue, costs updates rather than heap; the browser is then told to {@code resync} and
 * reloads its page data.
 */
final class LiveFeed implements Consumer<Dashboard.Update> {
    static final AttributeKey<Boolean> LAGGING = AttributeKey.valueOf("sparetire.web.lagging");
    static final long FLUSH_MILLIS = 100;
    /** Updates waiting for the next flush at most; a burst beyond it is dropped and every view resyncs. */
    static final int MAX_PENDING = 20_000;
    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] HELLO = "retry: 3000\n: sparetire live feed\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] RESYNC = "event: resync\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8);

    private final ChannelGroup streams = new DefaultChannelGroup("sparetire-web-streams", GlobalEventExecutor.INSTANCE);
    private final Clock clock;
    private final ApplianceMetrics metrics;
    /** Pending updates in order; a running transfer's progress keeps one slot, updated in place. */
    private LinkedHashMap<Object, Dashboard.Update> pending = new LinkedHashMap<>();
    private long sequence;
    private boolean overflowed;

    LiveFeed(Clock clock, ApplianceMetrics metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    void open(Channel channel) {
        streams.add(channel);
        write(channel, Unpooled.wrappedBuffer(HELLO));
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
        synchronized (this) {
            if (pending.size() >= MAX_PENDING) {
                overflowed = true;
                metrics.liveUpdateDropped();
                return;
            }
            Object key = update.view() instanceof TransferView t && t.active() ? "transfer-" + t.id() : ++sequence;
            // A finished transfer replaces nothing: its final state must follow any pending progress.
            pending.put(key, update);
        }
    }

    /** Sends what accumulated since the last flush, once encoded, to every stream. Runs on an event loop. */
    void flush() {
        Map<Object, Dashboard.Update> batch;
        boolean resyncAll;
        synchronized (this) {
            if (pending.isEmpty() && !overflowed) {
                return;
            }
            batch = pending;
            pending = new LinkedHashMap<>();
            resyncAll = overflowed;
            overflowed = false;
        }
        if (streams.isEmpty()) {
            return;
        }
        ByteArrayOutputStream frames = new ByteArrayOutputStream(batch.size() * 256 + 64);
        java.time.Instant now = clock.now();
        for (Dashboard.Update u : batch.values()) {
            frames.writeBytes(WebApi.sseFrame(u, now));
        }
        if (resyncAll) {
            frames.writeBytes(RESYNC);
        }
        ByteBuf data = Unpooled.wrappedBuffer(frames.toByteArray());
        try {
            List<Channel> lagging = new ArrayList<>();
            for (Channel ch : streams) {
                if (ch.isWritable()) {
                    write(ch, data.retainedDuplicate());
                } else {
                    lagging.add(ch);
                }
            }
            for (Channel ch : lagging) {
                ch.attr(LAGGING).set(Boolean.TRUE);
                for (int i = 0; i < batch.size(); i++) {
                    metrics.liveUpdateDropped();
                }
            }
        } finally {
            data.release();
        }
    }

    /** Called when a stream's socket drained: a client that missed updates must reload its data. */
    void writable(Channel ch) {
        if (ch.isWritable() && Boolean.TRUE.equals(ch.attr(LAGGING).getAndSet(Boolean.FALSE)) && isStream(ch)) {
            write(ch, Unpooled.wrappedBuffer(RESYNC));
        }
    }

    /** Keeps idle proxies and NATs from closing quiet streams, and finds dead clients. */
    void ping() {
        for (Channel ch : streams) {
            if (ch.isWritable()) {
                write(ch, Unpooled.wrappedBuffer(PING));
            }
        }
    }

    private static void write(Channel ch, ByteBuf bytes) {
        ch.writeAndFlush(new DefaultHttpContent(bytes));
    }

    /** Ends every stream (shutdown): browsers reconnect to wherever the dashboard comes back. */
    void closeAll() {
        streams.close().awaitUninterruptibly(2000);
    }
}
