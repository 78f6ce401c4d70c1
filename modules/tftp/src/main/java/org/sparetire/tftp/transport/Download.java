package org.sparetire.tftp.transport;

import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparetire.core.event.TransferDirection;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.event.TransferProgress;
import org.sparetire.core.event.TransferStarted;
import org.sparetire.core.net.Addresses;
import org.sparetire.tftp.http.Downloads;
import org.sparetire.tftp.policy.Admission;
import org.sparetire.tftp.session.Transfer;

/**
 * One HTTP download as the event stream and the log see it: started, progress at a bounded rate, and
 * one finished event and one log line whatever the outcome, like a TFTP transfer. Runs on its
 * connection's event loop.
 */
final class Download {
    static final String SERVICE = "http-boot";
    static final String MODE = "http";

    private final HttpBootServer server;
    private final long id;
    private final InetSocketAddress peer;
    private final String name;
    private final Map<String, String> options;
    private final long expected;
    private final Admission admission;
    private final long progressNanos;
    private final long startedNanos;
    private final Instant startedAt;
    private long bytes;
    private long lastProgress;
    private boolean done;

    private Download(HttpBootServer server, InetSocketAddress peer, String name, Map<String, String> options,
                     long expected, Admission admission, Duration progressInterval) {
        this.server = server;
        this.id = server.events().nextTransferId();
        this.peer = peer;
        this.name = name;
        this.options = options;
        this.expected = expected;
        this.admission = admission;
        this.progressNanos = progressInterval.toNanos();
        this.startedNanos = server.clock().nanoTime();
        this.startedAt = server.clock().now();
        this.lastProgress = startedNanos;
    }

    /** A GET that sends bytes: 200 or 206. {@code admission} holds the slot this download releases. */
    static Download start(HttpBootServer server, InetSocketAddress peer, Downloads.Send send, Admission admission,
                          Duration progressInterval, boolean zeroCopy) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("status", Integer.toString(send.status()));
        if (send.partial()) {
            options.put("range", send.range().first() + "-" + send.range().last() + "/" + send.size());
        }
        options.put("sendfile", zeroCopy ? "yes" : "no");
        Download d = new Download(server, peer, send.name(), Map.copyOf(options), send.range().length(), admission,
                progressInterval);
        server.started(d);
        server.events().publish(new TransferStarted(d.startedAt, d.id, peer, TransferDirection.READ, d.name, MODE,
                d.options, d.expected, SERVICE));
        return d;
    }

    /**
     * A request answered without a body. GETs are events and log lines (a refused or 304 download is
     * part of a device's story); HEADs, which UEFI sends before each GET, are logged at debug only.
     */
    static void answered(HttpBootServer server, InetSocketAddress peer, String name, int status, boolean get,
                         String reason) {
        if (!get) {
            HttpBootServer.log.debug("http-boot head {} peer={} file={}", status, Addresses.format(peer), name);
            return;
        }
        TransferOutcome outcome = status == 304 ? TransferOutcome.COMPLETED : TransferOutcome.REFUSED;
        Download d = new Download(server, peer, name, Map.of("status", Integer.toString(status)), 0, null,
                Duration.ZERO);
        d.report(outcome, reason);
    }

    static void refused(HttpBootServer server, InetSocketAddress peer, Downloads.Request r, int status, String reason) {
        answered(server, peer, Transfer.sanitize(r.target()), status, true, reason);
    }

    void progress(long sent) {
        if (done) {
            return;
        }
        bytes = Math.max(bytes, sent);
        long now = server.clock().nanoTime();
        if (now - lastProgress >= progressNanos && bytes < expected) {
            lastProgress = now;
            server.events().publish(new TransferProgress(server.clock().now(), id, peer, bytes, expected, 0, SERVICE));
        }
    }

    void completed() {
        if (!done) {
            bytes = expected;
            end(TransferOutcome.COMPLETED, "");
        }
    }

    void failed(Throwable cause) {
        if (done) {
            return;
        }
        // Netty's native errors read "sendfile(..) failed with error(-104): Connection reset by peer".
        String message = cause.getMessage() == null ? "" : cause.getMessage().replaceFirst("^.*failed with error\\(-?\\d+\\): ", "");
        if (message.startsWith("Underlying file size")) {
            end(TransferOutcome.FAILED, "file changed while being sent");
        } else if (server.stopping()) {
            end(TransferOutcome.FAILED, "server shutting down");
        } else {
            end(TransferOutcome.PEER_ABORTED, "connection closed after " + bytes + " of " + expected + " bytes"
                    + (cause instanceof ClosedChannelException || message.isEmpty() ? "" : " (" + message + ")"));
        }
    }

    private void end(TransferOutcome outcome, String detail) {
        done = true;
        admission.release(peer.getAddress());
        server.ended(this);
        report(outcome, detail);
    }

    private void report(TransferOutcome outcome, String detail) {
        done = true;
        Duration elapsed = Duration.ofNanos(server.clock().nanoTime() - startedNanos);
        TransferFinished e = new TransferFinished(server.clock().now(), id, peer, TransferDirection.READ, name, MODE,
                options, bytes, elapsed, 0, outcome, detail, SERVICE);
        server.events().publish(e);
        String word = switch (outcome) {
            case COMPLETED -> options.get("status").equals("304") ? "not-modified" : "ok";
            case REFUSED -> "refused";
            case PEER_ABORTED -> "peer-aborted";
            case TIMED_OUT -> "timed-out";
            case FAILED -> "failed";
        };
        String line = "http-boot get {} peer={} file={} options={} bytes={} ms={} rate={}MB/s{}";
        Object[] args = {word, Addresses.format(peer), name, options, bytes,
                String.format("%.1f", elapsed.toNanos() / 1e6), String.format("%.2f", e.bytesPerSecond() / 1e6),
                detail.isEmpty() ? "" : " detail=\"" + detail + "\""};
        if (outcome == TransferOutcome.FAILED) {
            HttpBootServer.log.warn(line, args);
        } else {
            HttpBootServer.log.info(line, args);
        }
    }
}
