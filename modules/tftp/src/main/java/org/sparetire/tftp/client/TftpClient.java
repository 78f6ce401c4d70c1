package org.sparetire.tftp.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.time.Clock;
import org.sparetire.tftp.codec.Ack;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.ErrorPacket;
import org.sparetire.tftp.codec.MalformedPacketException;
import org.sparetire.tftp.codec.Mode;
import org.sparetire.tftp.codec.Netascii;
import org.sparetire.tftp.codec.OptionAck;
import org.sparetire.tftp.codec.ReadRequest;
import org.sparetire.tftp.codec.Request;
import org.sparetire.tftp.codec.TftpCodec;
import org.sparetire.tftp.codec.TftpPacket;
import org.sparetire.tftp.codec.WriteRequest;
import org.sparetire.tftp.session.BlockReceiver;
import org.sparetire.tftp.session.BlockSender;
import org.sparetire.tftp.session.BlockSink;
import org.sparetire.tftp.session.Completion;
import org.sparetire.tftp.session.Outgoing;
import org.sparetire.tftp.session.Step;
import org.sparetire.tftp.session.Transfer;
import org.sparetire.tftp.session.TransferParameters;

/**
 * A TFTP client on the same codec and session code as the server: {@code sparetire tftp get|put}, tests
 * and benchmarks. Blocking, one transfer per call, one UDP socket per transfer.
 */
public final class TftpClient {
    private final Clock clock;

    public TftpClient(Clock clock) {
        this.clock = clock;
    }

    public TftpClient() {
        this(Clock.system());
    }

    /**
     * @param blksize    0 to not ask (RFC 1350's 512)
     * @param windowsize 0 to not ask (lockstep)
     * @param tsize      ask for / announce the size
     * @param timeout    retransmit interval; asked of the server too when {@code askTimeout}
     */
    public record Options(int blksize, int windowsize, boolean tsize, Duration timeout, boolean askTimeout,
                          Mode mode, int retries) {
        public static Options defaults() {
            return new Options(0, 0, false, Duration.ofSeconds(1), false, Mode.OCTET, 5);
        }

        public Options withBlksize(int n) {
            return new Options(n, windowsize, tsize, timeout, askTimeout, mode, retries);
        }

        public Options withWindowsize(int n) {
            return new Options(blksize, n, tsize, timeout, askTimeout, mode, retries);
        }

        public Options withTsize(boolean on) {
            return new Options(blksize, windowsize, on, timeout, askTimeout, mode, retries);
        }

        public Options withTimeout(Duration t, boolean ask) {
            return new Options(blksize, windowsize, tsize, t, ask, mode, retries);
        }

        public Options withMode(Mode m) {
            return new Options(blksize, windowsize, tsize, timeout, askTimeout, m, retries);
        }
    }

    /** @param negotiated the options the server acknowledged (empty: plain RFC 1350) */
    public record Result(long bytes, Duration elapsed, int retransmits, Map<String, String> negotiated) {
        public double bytesPerSecond() {
            long n = elapsed.toNanos();
            return n <= 0 ? 0 : bytes * 1e9 / n;
        }
    }

    /** A transfer that did not complete; {@link #code()} is the server's TFTP error code, or -1. */
    public static final class TransferFailed extends IOException {
        private final int code;

        public TransferFailed(int code, String message) {
            super(message);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private Map<String, String> requestOptions(Options o, long size) {
        Map<String, String> m = new LinkedHashMap<>();
        if (o.blksize() > 0) {
            m.put("blksize", Integer.toString(o.blksize()));
        }
        if (o.windowsize() > 0) {
            m.put("windowsize", Integer.toString(o.windowsize()));
        }
        if (o.tsize()) {
            m.put("tsize", Long.toString(Math.max(0, size)));
        }
        if (o.askTimeout()) {
            m.put("timeout", Long.toString(Math.max(1, o.timeout().toSeconds())));
        }
        return m;
    }

    private static TransferParameters params(Options o, Map<String, String> oack) {
        int blksize = Integer.parseInt(oack.getOrDefault("blksize", "512"));
        int window = Integer.parseInt(oack.getOrDefault("windowsize", "1"));
        boolean fixed = oack.containsKey("timeout");
        Duration timeout = fixed ? Duration.ofSeconds(Long.parseLong(oack.get("timeout"))) : o.timeout();
        return new TransferParameters(blksize, window, timeout, fixed, o.retries(), false);
    }

    /** Downloads {@code remote} into {@code local}; the file appears only when complete. */
    public Result get(InetSocketAddress server, String remote, Path local, Options o) throws IOException {
        Path temp = local.toAbsolutePath().resolveSibling("." + local.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".part");
        FileSink file = new FileSink(temp, local);
        BlockSink sink = o.mode() == Mode.NETASCII ? new org.sparetire.tftp.policy.NetasciiSink(file) : file;
        try (UdpSocket socket = new UdpSocket(server)) {
            return run(socket, server, new ReadRequest(remote, o.mode(), requestOptions(o, 0)), o, null, sink);
        } finally {
            file.abort();
        }
    }

    /** Uploads {@code local} as {@code remote}. */
    public Result put(InetSocketAddress server, Path local, String remote, Options o) throws IOException {
        UploadSource source;
        if (o.mode() == Mode.NETASCII) {
            source = new UploadSource(null, Netascii.toWire(Files.readAllBytes(local)));
        } else {
            source = new UploadSource(FileChannel.open(local, StandardOpenOption.READ), null);
        }
        try (source; UdpSocket socket = new UdpSocket(server)) {
            return run(socket, server, new WriteRequest(remote, o.mode(), requestOptions(o, source.size())), o,
                    source, null);
        }
    }

    private Result run(UdpSocket socket, InetSocketAddress server, Request request, Options o, UploadSource source,
                       BlockSink sink) throws IOException {
        long started = clock.nanoTime();
        ByteBuffer rx = ByteBuffer.allocateDirect(65536);
        ByteBuffer tx = ByteBuffer.allocateDirect(65536 + 4);
        byte[] req = TftpCodec.toBytes(request);
        InetSocketAddress tid = null;
        Transfer transfer = null;
        Step step = null;
        Map<String, String> negotiated = Map.of();
        int requestRetries = 0;
        long deadline = clock.nanoTime() + o.timeout().toNanos();
        socket.send(ByteBuffer.wrap(req), server);
        while (true) {
            if (step != null) {
                for (Outgoing out : step.send()) {
                    send(socket, out, tid, source, tx);
                }
                if (step.completion() != null) {
                    return finish(step.completion(), transfer, started, negotiated);
                }
                deadline = step.hasDeadline() ? step.deadline() : clock.nanoTime() + o.timeout().toNanos();
            }
            TftpPacket packet;
            InetSocketAddress from = socket.receive(rx, deadline - clock.nanoTime());
            if (from == null) {
                long now = clock.nanoTime();
                if (transfer == null) {
                    if (++requestRetries > o.retries()) {
                        throw new TransferFailed(-1, "no answer from " + Addresses.format(server));
                    }
                    socket.send(ByteBuffer.wrap(req), server);
                    deadline = now + o.timeout().toNanos();
                    step = null;
                } else {
                    step = transfer.onTimeout(now);
                }
                continue;
            }
            try {
                packet = TftpCodec.decode(rx.flip().slice());
            } catch (MalformedPacketException e) {
                step = null;
                continue;
            }
            long now = clock.nanoTime();
            if (transfer == null) {
                if (!from.getAddress().equals(server.getAddress())) {
                    step = null;
                    continue;
                }
                tid = from;
                if (packet instanceof ErrorPacket e) {
                    throw new TransferFailed(e.code(), "server said: " + Transfer.sanitize(e.message())
                            + " (error " + e.code() + ")");
                }
                TransferParameters p;
                if (packet instanceof OptionAck oack) {
                    negotiated = oack.options();
                    p = params(o, oack.options());
                } else {
                    p = params(o, Map.of());
                }
                if (request instanceof ReadRequest) {
                    BlockReceiver r = new BlockReceiver(tid, p, sink, Long.MAX_VALUE,
                            packet instanceof OptionAck ? new Ack(0) : null);
                    transfer = r;
                    step = r.start(now);
                    if (packet instanceof Data) {
                        for (Outgoing out : step.send()) {
                            send(socket, out, tid, null, tx);
                        }
                        step = r.onPacket(tid, packet, now);
                    }
                } else {
                    if (packet instanceof Ack a && a.block() != 0 || packet instanceof Data) {
                        throw new TransferFailed(-1, "unexpected first answer " + packet);
                    }
                    BlockSender s = new BlockSender(tid, p, source.size(), null);
                    transfer = s;
                    step = s.start(now);
                }
                continue;
            }
            step = transfer.onPacket(from, packet, now);
        }
    }

    private Result finish(Completion c, Transfer t, long started, Map<String, String> negotiated)
            throws TransferFailed {
        if (c.outcome() != TransferOutcome.COMPLETED) {
            throw new TransferFailed(-1, c.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + (c.detail().isEmpty() ? "" : ": " + c.detail()));
        }
        long bytes = t instanceof BlockSender s ? s.size() : t.bytes();
        return new Result(bytes, Duration.ofNanos(clock.nanoTime() - started), t.retransmits(), negotiated);
    }

    private static void send(UdpSocket socket, Outgoing out, InetSocketAddress tid, UploadSource source, ByteBuffer tx)
            throws IOException {
        if (out instanceof Outgoing.Packet p) {
            socket.send(ByteBuffer.wrap(TftpCodec.toBytes(p.packet())), p.to() == null ? tid : p.to());
            return;
        }
        Outgoing.Block b = (Outgoing.Block) out;
        tx.clear();
        tx.put((byte) 0).put((byte) TftpPacket.OP_DATA).put((byte) (b.wireBlock() >> 8)).put((byte) b.wireBlock());
        int n = source.read(b.offset(), tx.limit(4 + b.length()));
        if (n != b.length()) {
            throw new TransferFailed(-1, "local file changed while sending");
        }
        socket.send(tx.flip(), tid);
    }
}
