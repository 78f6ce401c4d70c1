package org.sparetire.tftp.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.sparetire.core.net.Addresses;
import org.sparetire.tftp.http.Downloads;
import org.sparetire.tftp.http.Validators;
import org.sparetire.tftp.policy.Admission;
import org.sparetire.tftp.session.Transfer;

/**
 * One connection's requests: hands each to {@link Downloads} and writes what it decided. Thin: the only
 * choice made here is how the bytes move (a file region where the channel can sendfile, buffers otherwise).
 */
final class DownloadHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final HttpBootServer server;

    DownloadHandler(HttpBootServer server) {
        this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        // Request bodies (HttpContent) are not for us and are dropped as they arrive.
        if (msg instanceof HttpRequest req) {
            onRequest(ctx, req);
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest req) {
        InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
        if (req.decoderResult().isFailure()) {
            HttpBootServer.log.debug("http-boot malformed request dropped: peer={} {}", Addresses.format(peer),
                    req.decoderResult().cause().toString());
            simple(ctx, HttpResponseStatus.BAD_REQUEST, "bad request", false, null);
            return;
        }
        HttpBootServer.Settings s = server.settings();
        boolean keepAlive = HttpUtil.isKeepAlive(req) && !server.stopping();
        boolean get = req.method().equals(HttpMethod.GET);
        HttpHeaders h = req.headers();
        Downloads.Request r = new Downloads.Request(req.method().name(), req.uri(), h.get(HttpHeaderNames.RANGE),
                h.get(HttpHeaderNames.IF_RANGE), h.get(HttpHeaderNames.IF_NONE_MATCH),
                h.get(HttpHeaderNames.IF_MODIFIED_SINCE), peer.getAddress());
        if (get && s.admission().tryAdmit(peer.getAddress(), server.clock().nanoTime()) != Admission.Decision.ADMITTED) {
            Download.refused(server, peer, r, 503, "busy: download limit reached");
            simple(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "busy, try again later", keepAlive, "5");
            return;
        }
        Downloads.Answer answer;
        try {
            answer = Downloads.decide(r, s.policy());
        } catch (RuntimeException e) {
            // A bug, not a client's doing: the slot goes back and the client hears 500, the log says why.
            if (get) {
                s.admission().release(peer.getAddress());
            }
            HttpBootServer.log.warn("http-boot request failed: peer={} target={} {}", Addresses.format(peer),
                    Transfer.sanitize(req.uri()), e.toString());
            simple(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error", false, null);
            return;
        }
        if (answer instanceof Downloads.Send send) {
            send(ctx, peer, r, send, get, keepAlive, s);
            return;
        }
        if (get) {
            s.admission().release(peer.getAddress());
        }
        if (answer instanceof Downloads.NotModified nm) {
            HttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
            validators(resp.headers(), nm.etag(), nm.lastModified());
            finish(ctx, resp, keepAlive);
            Download.answered(server, peer, nm.name(), 304, get, "not modified");
        } else if (answer instanceof Downloads.Unsatisfiable u) {
            FullHttpResponse resp = text(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "range not satisfiable");
            resp.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + u.size());
            finish(ctx, resp, keepAlive);
            Download.answered(server, peer, u.name(), 416, get, "range not satisfiable (size " + u.size() + ")");
        } else if (answer instanceof Downloads.Refused no) {
            FullHttpResponse resp = text(HttpResponseStatus.valueOf(no.status()), no.message());
            if (no.status() == 405) {
                resp.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            }
            finish(ctx, resp, keepAlive);
            Download.answered(server, peer, no.name(), no.status(), true, no.reason());
        }
    }

    private void send(ChannelHandlerContext ctx, InetSocketAddress peer, Downloads.Request r, Downloads.Send send,
                      boolean get, boolean keepAlive, HttpBootServer.Settings s) {
        long length = send.range().length();
        HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                send.partial() ? HttpResponseStatus.PARTIAL_CONTENT : HttpResponseStatus.OK);
        HttpHeaders headers = resp.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
        headers.set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
        if (send.partial()) {
            headers.set(HttpHeaderNames.CONTENT_RANGE,
                    "bytes " + send.range().first() + "-" + send.range().last() + "/" + send.size());
        }
        validators(headers, send.etag(), send.lastModified());
        common(headers, keepAlive);
        if (!get) {
            send.source().close();
            ctx.write(resp);
            ChannelFuture last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!keepAlive) {
                last.addListener(ChannelFutureListener.CLOSE);
            }
            Download.answered(server, peer, send.name(), send.partial() ? 206 : 200, false, "");
            return;
        }
        Optional<FileChannel> file = send.source().channel();
        boolean zeroCopy = file.isPresent() && canSendFile(ctx.channel());
        Download d = Download.start(server, peer, send, s.admission(), s.progressInterval(), zeroCopy);
        ctx.write(resp);
        if (length > 0) {
            Object body = zeroCopy
                    ? new SourceRegion(send.source(), file.get(), send.range().first(), length)
                    : new SourceChunks(send.source(), send.range().first(), length);
            ctx.write(body, ctx.newProgressivePromise()).addListener(new ChannelProgressiveFutureListener() {
                @Override
                public void operationProgressed(ChannelProgressiveFuture future, long progress, long total) {
                    d.progress(progress);
                }

                @Override
                public void operationComplete(ChannelProgressiveFuture future) {
                    if (future.isSuccess()) {
                        d.progress(length);
                    } else {
                        d.failed(future.cause());
                    }
                }
            });
        } else {
            send.source().close();
        }
        ChannelFuture last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        last.addListener(f -> {
            if (f.isSuccess()) {
                d.completed();
            } else {
                d.failed(f.cause());
            }
        });
        if (!keepAlive) {
            last.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** sendfile(2) on epoll, FileChannel.transferTo on NIO; anything else gets buffers. */
    private static boolean canSendFile(Channel ch) {
        return ch instanceof EpollSocketChannel || ch instanceof NioSocketChannel;
    }

    private static void validators(HttpHeaders headers, String etag, long lastModified) {
        if (etag != null) {
            headers.set(HttpHeaderNames.ETAG, etag);
        }
        if (lastModified >= 0) {
            headers.set(HttpHeaderNames.LAST_MODIFIED, Validators.httpDate(lastModified));
        }
    }

    /** Connection, and Date (RFC 9110 section 6.6.1: a server with a clock sends it). */
    private void common(HttpHeaders headers, boolean keepAlive) {
        headers.set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        headers.set(HttpHeaderNames.DATE, Validators.httpDate(server.clock().now().toEpochMilli()));
    }

    private static FullHttpResponse text(HttpResponseStatus status, String message) {
        ByteBuf body = Unpooled.copiedBuffer(status.code() + " " + message + "\n", StandardCharsets.US_ASCII);
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
        return resp;
    }

    private void finish(ChannelHandlerContext ctx, HttpResponse resp, boolean keepAlive) {
        if (resp instanceof FullHttpResponse full) {
            HttpUtil.setContentLength(resp, full.content().readableBytes());
        }
        common(resp.headers(), keepAlive);
        ChannelFuture f = ctx.writeAndFlush(resp);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void simple(ChannelHandlerContext ctx, HttpResponseStatus status, String message, boolean keepAlive,
                               String retryAfter) {
        FullHttpResponse resp = text(status, message);
        if (retryAfter != null) {
            resp.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
        }
        finish(ctx, resp, keepAlive);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            HttpBootServer.log.debug("http-boot idle connection closed: peer={}", Addresses.format(
                    (InetSocketAddress) ctx.channel().remoteAddress()));
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        HttpBootServer.log.debug("http-boot connection: peer={} {}", Addresses.format(
                (InetSocketAddress) ctx.channel().remoteAddress()), cause.toString());
        ctx.close();
    }
}
