package org.sparetire.tftp.session;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.tftp.codec.ErrorPacket;
import org.sparetire.tftp.codec.TftpPacket;

/**
 * One TFTP transfer as a pure state machine: no threads, no sockets, time passed in as monotonic nanos.
 * The transport calls {@link #start}, then {@link #onPacket} for each datagram and {@link #onTimeout} when
 * the step's deadline passes. Both the server and the built-in client drive the same two kinds:
 * {@link BlockSender} (server read, client put) and {@link BlockReceiver} (server write, client get).
 */
public abstract sealed class Transfer permits BlockSender, BlockReceiver {
    protected final InetSocketAddress peer;
    protected final TransferParameters params;
    protected long deadline = Step.NO_DEADLINE;
    protected int attempt;
    protected int retransmits;
    private boolean completed;
    private boolean closed;

    protected Transfer(InetSocketAddress peer, TransferParameters params) {
        this.peer = Objects.requireNonNull(peer);
        this.params = Objects.requireNonNull(params);
    }

    public InetSocketAddress peer() {
        return peer;
    }

    public TransferParameters parameters() {
        return params;
    }

    public int retransmits() {
        return retransmits;
    }

    /** Payload bytes delivered so far (acknowledged by the peer when sending, accepted when receiving). */
    public abstract long bytes();

    public boolean isClosed() {
        return closed;
    }

    public boolean isCompleted() {
        return completed;
    }

    /** Sends the first packet(s). */
    public abstract Step start(long now);

    /**
     * A datagram from {@code from}. RFC 1350 section 4: a packet from any other address or port than the
     * peer's TID is answered with ERROR 5 and does not disturb the transfer.
     */
    public final Step onPacket(InetSocketAddress from, TftpPacket packet, long now) {
        if (closed) {
            return idle();
        }
        if (!peer.equals(from)) {
            return new Step(List.of(new Outgoing.Packet(
                    new ErrorPacket(ErrorPacket.UNKNOWN_TID, "unknown transfer ID"), from)), deadline, null, false);
        }
        return handle(packet, now);
    }

    protected abstract Step handle(TftpPacket packet, long now);

    public final Step onTimeout(long now) {
        if (closed || deadline == Step.NO_DEADLINE || now - deadline < 0) {
            return idle();
        }
        return expire(now);
    }

    protected abstract Step expire(long now);

    /** Ends the transfer from outside (shutdown, reconfiguration that removes its file). */
    public Step abort(String reason) {
        if (closed) {
            return idle();
        }
        List<Outgoing> out = new ArrayList<>();
        if (!completed) {
            out.add(new Outgoing.Packet(new ErrorPacket(ErrorPacket.NOT_DEFINED, reason)));
            onAbort();
            return finish(out, new Completion(TransferOutcome.FAILED, reason));
        }
        closed = true;
        deadline = Step.NO_DEADLINE;
        return new Step(out, deadline, null, true);
    }

    /** Releases resources of an unfinished transfer (delete a partial upload). */
    protected void onAbort() {
    }

    protected Step idle() {
        return new Step(List.of(), deadline, null, closed);
    }

    protected Step keepGoing(List<Outgoing> out) {
        return new Step(out, deadline, null, false);
    }

    /** The outcome is known and nothing more is expected. */
    protected Step finish(List<Outgoing> out, Completion completion) {
        completed = true;
        closed = true;
        deadline = Step.NO_DEADLINE;
        return new Step(out, deadline, completion, true);
    }

    /** The outcome is known but the socket should stay open until {@code lingerUntil}. */
    protected Step finishAndLinger(List<Outgoing> out, Completion completion, long lingerUntil) {
        completed = true;
        deadline = lingerUntil;
        return new Step(out, deadline, completion, false);
    }

    protected Step close() {
        closed = true;
        deadline = Step.NO_DEADLINE;
        return new Step(List.of(), deadline, null, true);
    }

    protected void armTimer(long now) {
        deadline = now + params.intervalNanos(attempt);
    }

    protected static Outgoing.Packet error(int code, String message) {
        return new Outgoing.Packet(new ErrorPacket(code, message));
    }

    protected Step timedOut() {
        return timedOut("no answer after " + params.maxRetries() + " retries");
    }

    protected Step timedOut(String detail) {
        onAbort();
        return finish(List.of(error(ErrorPacket.NOT_DEFINED, "transfer timed out")),
                new Completion(TransferOutcome.TIMED_OUT, detail));
    }

    protected Step peerError(ErrorPacket e, boolean duringNegotiation) {
        onAbort();
        String msg = sanitize(e.message());
        String detail = duringNegotiation
                ? "peer declined the options: error " + e.code() + (msg.isEmpty() ? "" : " '" + msg + "'")
                : "peer sent error " + e.code() + (msg.isEmpty() ? "" : " '" + msg + "'");
        return finish(List.of(), new Completion(TransferOutcome.PEER_ABORTED, detail));
    }

    /** Peer text is printable ASCII only before it reaches a log line (dnsmasq's sanitise()). */
    public static String sanitize(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 128));
        for (int i = 0; i < s.length() && sb.length() < 128; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
