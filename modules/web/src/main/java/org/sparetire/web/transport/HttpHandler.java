package org.sparetire.web.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.web.api.WebApi;
import org.sparetire.web.codec.WebRequest;
import org.sparetire.web.codec.WebResponse;

/**
 * Adapts one HTTP/1.1 connection to the {@link WebApi}: Netty request in, response out, or the
 * connection turned into a live event stream. Holds no state of its own beyond the connection's.
 */
final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpHandler.class);

    private final WebApi api;
    private final LiveFeed feed;
    private final AtomicInteger inFlight;

    HttpHandler(WebApi api, LiveFeed feed, AtomicInteger inFlight) {
        this.api = api;
        this.feed = feed;
        this.inFlight = inFlight;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        if (!msg.decoderResult().isSuccess()) {
            send(ctx, false, false, WebResponse.error(400, "malformed HTTP request"));
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(msg);
        boolean head = msg.method().equals(HttpMethod.HEAD);
        QueryStringDecoder uri = new QueryStringDecoder(msg.uri());
        Map<String, String> query = new LinkedHashMap<>();
        uri.parameters().forEach((k, v) -> query.put(k, v.isEmpty() ? "" : v.get(0)));
        Map<String, String> headers = new LinkedHashMap<>();
        msg.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
        WebRequest request = new WebRequest(msg.method().name(), uri.path(), query, headers,
                msg.content().toString(StandardCharsets.UTF_8), (InetSocketAddress) ctx.channel().remoteAddress());
        inFlight.incrementAndGet();
        api.handle(request, ctx.executor()).whenComplete((response, failure) -> {
            WebResponse r = failure != null ? WebResponse.error(500, "internal error") : response;
            Runnable reply = () -> {
                try {
                    send(ctx, keepAlive, head, r);
                } finally {
                    inFlight.decrementAndGet();
                }
            };
            if (ctx.executor().inEventLoop()) {
                reply.run();
            } else {
                ctx.executor().execute(reply);
            }
        });
    }

    private void send(ChannelHandlerContext ctx, boolean keepAlive, boolean head, WebResponse r) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(r.status());
        if (r.stream()) {
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
            r.headers().forEach((k, v) -> response.headers().set(k, v));
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            HttpUtil.setTransferEncodingChunked(response, true);
            ctx.write(response);
            feed.open(ctx.channel());
            return;
        }
        byte[] body = head ? new byte[0] : r.body();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        r.headers().forEach((k, v) -> {
            if (k.equalsIgnoreCase("Set-Cookie")) {
                response.headers().add(k, v);
            } else {
                response.headers().set(k, v);
            }
        });
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, head ? r.body().length : body.length);
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        feed.writable(ctx.channel());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // Idle keep-alive connections are closed; live streams are quiet by nature and pinged instead.
        if (evt instanceof IdleStateEvent && !feed.isStream(ctx.channel())) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A browser going away mid-response is normal; one line, no stack trace, and the server goes on.
        log.debug("web: connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

}
