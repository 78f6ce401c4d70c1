package org.sparetire.tftp.it;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.TftpCodec;
import org.sparetire.tftp.codec.TftpPacket;

/** A hand-driven UDP peer for protocol corner cases a polite client never produces. */
final class RawPeer implements AutoCloseable {
    final DatagramSocket socket;
    InetSocketAddress lastFrom;

    RawPeer(InetAddress bind) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(bind, 0));
        socket.setSoTimeout(3000);
    }

    RawPeer() throws IOException {
        this(InetAddress.getByName("127.0.0.1"));
    }

    void send(TftpPacket p, InetSocketAddress to) throws IOException {
        byte[] b = TftpCodec.toBytes(p);
        socket.send(new DatagramPacket(b, b.length, to));
    }

    void sendRaw(byte[] b, InetSocketAddress to) throws IOException {
        socket.send(new DatagramPacket(b, b.length, to));
    }

    TftpPacket receive() throws Exception {
        byte[] buf = new byte[65536];
        DatagramPacket d = new DatagramPacket(buf, buf.length);
        socket.receive(d);
        lastFrom = (InetSocketAddress) d.getSocketAddress();
        return TftpCodec.decode(ByteBuffer.wrap(buf, 0, d.getLength()).slice());
    }

    /**
     * The next packet that is not a repeat of a DATA block up to {@code acked}: the server resends a block
     * whenever this peer answers slower than its measured round trip, which a busy test machine may do.
     */
    TftpPacket receiveAfter(int acked) throws Exception {
        while (true) {
            TftpPacket p = receive();
            if (!(p instanceof Data d) || d.block() > acked) {
                return p;
            }
        }
    }

    /** Null when nothing arrives within the wait. */
    TftpPacket receiveWithin(Duration wait) throws Exception {
        socket.setSoTimeout((int) wait.toMillis());
        try {
            return receive();
        } catch (SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout(3000);
        }
    }

    int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() {
        socket.close();
    }
}
