package org.sparetire.web.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Answers a connection over {@code web.max-clients} with 503. It half-closes after the answer and reads (and
 * drops) what the client still sends, because closing with unread bytes makes the kernel send a reset that
 * can destroy the 503 before the client reads it; the connection closes after {@link #LINGER}.
 */
final class BusyAnswer extends ChannelInboundHandlerAdapter {
    static final Duration LINGER = Duration.ofSeconds(5);
    private static final String TEXT = "too many dashboard connections (web.max-clients)\n";
    static final byte[] RESPONSE = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
            + "Content-Length: " + TEXT.length() + "\r\nConnection: close\r\n\r\n" + TEXT)
            .getBytes(StandardCharsets.US_ASCII);

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(RESPONSE)).addListener(f -> {
            if (ctx.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            }
            ctx.executor().schedule(() -> ctx.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
