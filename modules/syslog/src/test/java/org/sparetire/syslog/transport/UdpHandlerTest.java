package org.sparetire.syslog.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.event.SyslogReceived;
import org.sparetire.testkit.EventRecorder;
import org.sparetire.testkit.transport.EmbeddedSockets;

/** The UDP handler in an embedded pipeline: datagrams in, what the writer files from its queue out. */
class UdpHandlerTest {
    private static final InetSocketAddress HERE = new InetSocketAddress("127.0.0.1", 514);
    private static final InetSocketAddress SWITCH = new InetSocketAddress("192.0.2.7", 40000);
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private static EmbeddedChannel udp(Pipeline p) {
        return EmbeddedSockets.channel(HERE, null, new UdpListener.Handler(p.intake));
    }

    private static DatagramPacket datagram(InetSocketAddress from, byte[] payload) {
        return new DatagramPacket(Unpooled.wrappedBuffer(payload), HERE, from);
    }

    private static DatagramPacket datagram(InetSocketAddress from, String text) {
        return datagram(from, text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void filesEachDatagramWithItsSenderAndReleasesIt() throws Exception {
        try (Pipeline p = new Pipeline(dir); EventRecorder events = new EventRecorder(p.bus)) {
            p.writer.start();
            EmbeddedChannel ch = udp(p);
            DatagramPacket first = datagram(SWITCH, "<189>12: *Mar  1 00:00:12.123: %SYS-5-CONFIG_I: hi");
            assertThat(ch.writeInbound(first, datagram(SWITCH, "<14>app: second")))
                    .as("nothing passes on down the pipeline").isFalse();
            ch.checkException();
            assertThat(first.refCnt()).as("the handler releases what it read").isZero();
            events.await(SyslogReceived.class, e -> e.message().equals("second"), WAIT);
            List<SyslogReceived> filed = events.all(SyslogReceived.class);
            assertThat(filed).extracting(SyslogReceived::sender).containsExactly(SWITCH, SWITCH);
            assertThat(filed.get(0).app()).isEqualTo("%SYS-5-CONFIG_I");
            assertThat(filed.get(0).severity()).isEqualTo(5);
            assertThat(filed.get(0).message()).isEqualTo("hi");
            assertThat(p.counters.received.sum()).isEqualTo(2);
        }
    }

    @Test
    void emptyBinaryAndOverlongDatagramsAreFiledRawOrCutNeverThrown() throws Exception {
        try (Pipeline p = new Pipeline(dir); EventRecorder events = new EventRecorder(p.bus)) {
            p.writer.start();
            EmbeddedChannel ch = udp(p);
            byte[] binary = {(byte) 0xff, 0, '<', (byte) 0xc3, '\n'};
            ch.writeInbound(datagram(SWITCH, new byte[0]), datagram(SWITCH, binary),
                    datagram(SWITCH, "x".repeat(2000)));
            ch.checkException();
            assertThat(ch.isActive()).isTrue();
            SyslogReceived cut = events.await(SyslogReceived.class, e -> e.message().startsWith("xxx"), WAIT);
            assertThat(cut.message()).as("cut at syslog.max-message").hasSize(480);
            assertThat(p.counters.truncated.sum()).isEqualTo(1);
            assertThat(events.all(SyslogReceived.class)).hasSize(3);
            assertThat(p.counters.filed.sum()).isEqualTo(3);
        }
    }

    @Test
    void aSenderOutsideTheAllowlistIsDroppedAndCounted() throws Exception {
        try (Pipeline p = new Pipeline(dir); EventRecorder events = new EventRecorder(p.bus)) {
            p.writer.start();
            EmbeddedChannel ch = udp(p);
            DatagramPacket foreign = datagram(new InetSocketAddress("198.51.100.9", 514), "<14>app: not for us");
            ch.writeInbound(foreign, datagram(SWITCH, "<14>app: ours"));
            ch.checkException();
            assertThat(foreign.refCnt()).isZero();
            events.await(SyslogReceived.class, e -> e.message().equals("ours"), WAIT);
            assertThat(events.all(SyslogReceived.class)).extracting(SyslogReceived::message).containsExactly("ours");
            assertThat(p.counters.denied.sum()).isEqualTo(1);
        }
    }

    @Test
    void anErrorIsLoggedAndTheSocketStaysOpenForEveryoneElse() throws Exception {
        try (Pipeline p = new Pipeline(dir); EventRecorder events = new EventRecorder(p.bus)) {
            p.writer.start();
            EmbeddedChannel ch = udp(p);
            ch.pipeline().fireExceptionCaught(new IOException("ICMP port unreachable"));
            ch.checkException();
            assertThat(ch.isOpen()).isTrue();
            ch.writeInbound(datagram(SWITCH, "<14>app: still here"));
            assertThat(events.await(SyslogReceived.class, WAIT).message()).isEqualTo("still here");
        }
    }
}
