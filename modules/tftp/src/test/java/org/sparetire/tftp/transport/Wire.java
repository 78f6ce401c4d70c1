package org.sparetire.tftp.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.sparetire.testkit.transport.EmbeddedSockets;
import org.sparetire.tftp.codec.TftpCodec;
import org.sparetire.tftp.codec.TftpPacket;

/** Datagrams in and out of an {@link EmbeddedChannel}, as a TFTP handler sees them on a socket. */
final class Wire {
    static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 6969);

    private Wire() {
    }

    /** A datagram socket's channel bound to {@link #LOCAL}, its clock frozen for the tests to move. */
    static EmbeddedChannel channel(io.netty.channel.ChannelHandler handler) {
        EmbeddedChannel ch = EmbeddedSockets.channel(LOCAL, null, handler);
        ch.freezeTime();
        return ch;
    }

    static DatagramPacket from(InetSocketAddress sender, TftpPacket packet) {
        return raw(sender, TftpCodec.toBytes(packet));
    }

    static DatagramPacket raw(InetSocketAddress sender, byte[] bytes) {
        return new DatagramPacket(Unpooled.wrappedBuffer(bytes), LOCAL, sender);
    }

    /** A datagram the handler sent, decoded. */
    record Reply(InetSocketAddress to, TftpPacket packet) {
    }

    /** The next datagram the handler sent, or null. */
    static Reply sent(EmbeddedChannel ch) throws Exception {
        DatagramPacket d = ch.readOutbound();
        if (d == null) {
            return null;
        }
        try {
            byte[] bytes = ByteBufUtil.getBytes(d.content());
            return new Reply(d.recipient(), TftpCodec.decode(ByteBuffer.wrap(bytes)));
        } finally {
            d.release();
        }
    }

    /** The next datagram, which must be there, sent to {@code to}. */
    static TftpPacket sentTo(EmbeddedChannel ch, InetSocketAddress to) throws Exception {
        Reply r = sent(ch);
        assertThat(r).as("a datagram was sent").isNotNull();
        assertThat(r.to()).isEqualTo(to);
        return r.packet();
    }

    static byte[] payload(TftpPacket data) {
        ByteBuffer b = ((org.sparetire.tftp.codec.Data) data).payload().duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /**
     * The lines the TFTP loggers write, DEBUG included, while open: a handler that swallowed an exception
     * would log it here ({@code exceptionCaught}).
     */
    static final class Log implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger("org.sparetire.tftp");
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        private final Level before = logger.getLevel();

        Log() {
            appender.start();
            logger.addAppender(appender);
            logger.setLevel(Level.DEBUG);
        }

        List<String> lines() {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }

        void clear() {
            appender.list.clear();
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            logger.setLevel(before);
        }
    }
}
