package org.sparetire.tftp.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.testkit.EventRecorder;
import org.sparetire.testkit.TestServices;
import org.sparetire.tftp.TftpConfig;
import org.sparetire.tftp.policy.Admission;
import org.sparetire.tftp.policy.SharedFiles;

/**
 * The handler on a channel that cannot sendfile (Netty's embedded channel): the file goes out as buffers
 * through ChunkedWriteHandler, with the same headers, bytes and events as a zero-copy send.
 */
class DownloadHandlerTest {
    @TempDir
    Path dir;

    @Test
    void channelsWithoutSendfileGetBuffers() throws Exception {
        byte[] image = new byte[SourceChunks.CHUNK * 3 + 17];
        new Random(3).nextBytes(image);
        Files.write(dir.resolve("image.bin"), image);
        ServiceContext context = TestServices.context();
        SharedFiles files = new SharedFiles();
        try (EventRecorder events = new EventRecorder(context.events())) {
            HttpBootServer server = new HttpBootServer(context.net(), context.events(), context.clock());
            server.update(new HttpBootServer.Settings(TftpConfig.defaults(dir).requestPolicy(null, files),
                    new Admission(4, 1, 0, 1), 16, Duration.ofSeconds(5), Duration.ofSeconds(1)));
            EmbeddedChannel ch = new EmbeddedChannel(new ChunkedWriteHandler(), new DownloadHandler(server)) {
                @Override
                protected SocketAddress remoteAddress0() {
                    return new InetSocketAddress("127.0.0.1", 40000);
                }
            };
            DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/image.bin");
            req.headers().set(HttpHeaderNames.RANGE, "bytes=10-");
            ch.writeInbound(req);
            ch.runPendingTasks();
            HttpResponse resp = ch.readOutbound();
            assertThat(resp.status().code()).isEqualTo(206);
            assertThat(resp.headers().get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(Integer.toString(image.length - 10));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean last = false;
            for (Object o; !last && (o = ch.readOutbound()) != null; ) {
                ByteBuf b = o instanceof HttpContent c ? c.content() : (ByteBuf) o;
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                body.write(bytes);
                last = o instanceof LastHttpContent;
                io.netty.util.ReferenceCountUtil.release(o);
            }
            assertThat(last).isTrue();
            assertThat(body.toByteArray()).isEqualTo(Arrays.copyOfRange(image, 10, image.length));
            TransferFinished done = events.await(TransferFinished.class, Duration.ofSeconds(5));
            assertThat(done.outcome()).isEqualTo(TransferOutcome.COMPLETED);
            assertThat(done.bytes()).isEqualTo(image.length - 10);
            assertThat(done.options()).containsEntry("sendfile", "no").containsEntry("range", "10-" + (image.length - 1)
                    + "/" + image.length);
            assertThat(files.openFiles()).isZero();
            assertThat(server.activeDownloads()).isZero();
            ch.finishAndReleaseAll();
        } finally {
            context.net().close();
        }
    }
}
