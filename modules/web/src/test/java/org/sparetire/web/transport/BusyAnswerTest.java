package org.sparetire.web.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sparetire.testkit.transport.EmbeddedSockets;

/** A connection over the limit, on an embedded channel: the 503 out, the client's bytes dropped, closed later. */
class BusyAnswerTest {
    private EmbeddedChannel busyConnection() {
        EmbeddedChannel ch = EmbeddedSockets.channel(WebChannel.HERE, WebChannel.BROWSER);
        ch.freezeTime();
        ch.pipeline().addLast(new BusyAnswer());
        ch.pipeline().fireChannelActive();
        return ch;
    }

    @Test
    void theAnswerIsA503NamingTheSettingAndTheConnectionLingersBeforeClosing() {
        EmbeddedChannel ch = busyConnection();
        ByteBuf out = ch.readOutbound();
        String answer = out.toString(StandardCharsets.US_ASCII);
        out.release();
        assertThat(answer).startsWith("HTTP/1.1 503 Service Unavailable\r\n").contains("Connection: close\r\n")
                .endsWith("(web.max-clients)\n");
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        assertThat(answer).contains("Content-Length: " + body.length() + "\r\n");

        ch.advanceTimeBy(BusyAnswer.LINGER.toMillis() - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).as("still reading what the client sends").isTrue();
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void whatTheClientStillSendsIsReleasedAndNeverAnswered() {
        EmbeddedChannel ch = busyConnection();
        ((ByteBuf) ch.readOutbound()).release();
        ByteBuf request = Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII);
        ch.writeInbound(request);
        ch.checkException();
        assertThat(request.refCnt()).isZero();
        assertThat((Object) ch.readInbound()).isNull();
        assertThat((Object) ch.readOutbound()).isNull();
        ch.finishAndReleaseAll();
    }
}
