package org.sparetire.web.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.sparetire.core.config.ConfigException;
import org.sparetire.testkit.ManualClock;
import org.sparetire.testkit.transport.EmbeddedSockets;
import org.sparetire.web.FakeAppliance;
import org.sparetire.web.WebConfig;
import org.sparetire.web.api.StaticAssets;
import org.sparetire.web.api.WebApi;
import org.sparetire.web.metrics.ApplianceMetrics;
import org.sparetire.web.policy.AccessPolicy;
import org.sparetire.web.policy.BrowserSessions;
import org.sparetire.web.store.Dashboard;

/**
 * The web's pipeline as {@link WebServer} builds it for a connection (codec, aggregator, handler), over an
 * embedded channel from a loopback browser: request bytes in, response bytes out.
 */
final class WebChannel {
    static final InetSocketAddress HERE = new InetSocketAddress("127.0.0.1", 8069);
    static final InetSocketAddress BROWSER = new InetSocketAddress("127.0.0.1", 41000);

    final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
    final Dashboard dashboard;
    final ApplianceMetrics metrics;
    final LiveFeed feed;
    final AtomicInteger inFlight = new AtomicInteger();
    final EmbeddedChannel channel;

    WebChannel() throws ConfigException {
        FakeAppliance appliance = new FakeAppliance("web:\n  port: 0\n");
        WebConfig config = appliance.webConfig();
        dashboard = new Dashboard(config.history(), clock);
        metrics = new ApplianceMetrics(dashboard, () -> appliance);
        BrowserSessions sessions = new BrowserSessions();
        WebApi api = new WebApi(config, dashboard, () -> appliance, metrics, new AccessPolicy(config, sessions),
                sessions, new StaticAssets(), clock);
        feed = new LiveFeed(clock, metrics);
        dashboard.addListener(feed);
        channel = EmbeddedSockets.channel(HERE, BROWSER, new HttpServerCodec(4096, 16 * 1024, 16 * 1024),
                new HttpObjectAggregator(64 * 1024), new HttpHandler(api, feed, inFlight));
    }

    /** Writes the request bytes and returns everything the pipeline wrote back, as text. */
    String exchange(String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        channel.checkException();
        return written();
    }

    /** What the pipeline wrote since the last call, as text. */
    String written() {
        StringBuilder out = new StringBuilder();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }
}
