package org.sparetire.syslog.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.event.SyslogReceived;
import org.sparetire.syslog.SyslogConfig;
import org.sparetire.testkit.EventRecorder;
import org.sparetire.testkit.transport.EmbeddedSockets;

/** One TCP connection's handler in an embedded pipeline: stream bytes in, the messages the writer files out. */
class TcpConnectionTest {
    private static final InetSocketAddress HERE = new InetSocketAddress("127.0.0.1", 6514);
    private static final InetSocketAddress SWITCH = new InetSocketAddress("192.0.2.8", 50000);
    private static final SyslogConfig.Tcp LIMITS = new SyslogConfig.Tcp(true, 0, 2, Duration.ZERO, 1024);

    @TempDir
    Path dir;

    private final ChannelGroup connections = new DefaultChannelGroup("test", GlobalEventExecutor.INSTANCE);

    private EmbeddedChannel connect(Pipeline p, InetSocketAddress from) {
        return EmbeddedSockets.channel(HERE, from, new TcpListener.Connection(connections, LIMITS, p.intake, p.counters));
    }

    private static io.netty.buffer.ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    @Test
    void framesSplitAcrossReadsAreFiledInOrder() throws Exception {
        try (Pipeline p = new Pipeline(dir); EventRecorder events = new EventRecorder(p.bus)) {
            p.writer.start();
            EmbeddedChannel ch = connect(p, SWITCH);
            // Octet counting (RFC 6587 section 3.4.1), cut in the middle of a count and of a message.
            ch.writeInbound(bytes("1"), bytes("2 <13>app: o"), bytes("ne12 <13>app: two"));
            ch.checkException();
            events.await(SyslogReceived.class, e -> e.message().equals("two"), Duration.ofSeconds(5));
            assertThat(events.all(SyslogReceived.class)).extracting(SyslogReceived::message)
                    .containsExactly("one", "two");
            assertThat(events.all(SyslogReceived.class)).extracting(SyslogReceived::sender).containsOnly(SWITCH);
            assertThat(ch.isActive()).isTrue();
        }
    }

    @Test
    void anUnfinishedLfFrameIsFiledWhenTheSenderCloses() throws Exception {
        try (Pipeline p = new Pipeline(dir); EventRecorder events = new EventRecorder(p.bus)) {
            p.writer.start();
            EmbeddedChannel ch = connect(p, SWITCH);
            ch.writeInbound(bytes("<14>app: first\n<14>app: last, no newline"));
            ch.close();
            ch.checkException();
            events.await(SyslogReceived.class, e -> e.message().equals("last, no newline"), Duration.ofSeconds(5));
            assertThat(events.all(SyslogReceived.class)).extracting(SyslogReceived::message)
                    .containsExactly("first", "last, no newline");
        }
    }

    @Test
    void aFramingErrorClosesThisConnectionOnlyAndIsCounted() throws Exception {
        try (Pipeline p = new Pipeline(dir)) {
            EmbeddedChannel bad = connect(p, SWITCH);
            EmbeddedChannel good = connect(p, new InetSocketAddress("192.0.2.9", 50001));
            bad.writeInbound(bytes("12<13>x"));
            bad.checkException();
            assertThat(bad.isOpen()).isFalse();
            assertThat(p.counters.framingErrors.sum()).isEqualTo(1);
            good.writeInbound(bytes("<13>fine\n"));
            assertThat(good.isOpen()).isTrue();
            assertThat(p.writer.queued()).isEqualTo(1);
        }
    }

    @Test
    void aSenderOutsideTheAllowlistIsRefusedAtConnect() throws Exception {
        try (Pipeline p = new Pipeline(dir)) {
            EmbeddedChannel ch = connect(p, new InetSocketAddress("198.51.100.9", 50000));
            assertThat(ch.isOpen()).isFalse();
            assertThat(p.counters.denied.sum()).isEqualTo(1);
            assertThat(connections.size()).isZero();
        }
    }

    @Test
    void connectionsBeyondTheLimitAreRefusedAndCounted() throws Exception {
        try (Pipeline p = new Pipeline(dir)) {
            connect(p, SWITCH);
            connect(p, new InetSocketAddress("192.0.2.9", 50001));
            EmbeddedChannel third = connect(p, new InetSocketAddress("192.0.2.10", 50002));
            assertThat(third.isOpen()).isFalse();
            assertThat(p.counters.connectionsRefused.sum()).isEqualTo(1);
            assertThat(connections.size()).isEqualTo(2);
        }
    }

    @Test
    void aResetClosesTheConnectionWithoutRethrowing() throws Exception {
        try (Pipeline p = new Pipeline(dir)) {
            EmbeddedChannel ch = connect(p, SWITCH);
            ch.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
            ch.checkException();
            assertThat(ch.isOpen()).isFalse();
        }
    }
}
