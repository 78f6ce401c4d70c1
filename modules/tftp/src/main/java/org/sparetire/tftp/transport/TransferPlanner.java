package org.sparetire.tftp.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import org.sparetire.core.event.TransferDirection;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.time.Clock;
import org.sparetire.tftp.codec.Ack;
import org.sparetire.tftp.codec.OptionAck;
import org.sparetire.tftp.codec.ReadRequest;
import org.sparetire.tftp.codec.Request;
import org.sparetire.tftp.policy.Admission;
import org.sparetire.tftp.policy.FileNames;
import org.sparetire.tftp.policy.Refusal;
import org.sparetire.tftp.policy.RequestPolicy;
import org.sparetire.tftp.policy.Verdict;
import org.sparetire.tftp.session.BlockReceiver;
import org.sparetire.tftp.session.BlockSender;
import org.sparetire.tftp.session.OptionNegotiation;
import org.sparetire.tftp.session.Transfer;

/**
 * What the server does with a request, decided without sockets (fbtftp's split of server and session):
 * a repeat of a request already being answered is ignored, admission drops or refuses, the policy grants
 * or refuses the file, and the options are negotiated into the session that runs the transfer. The
 * transport then only sends the refusal or binds a socket for the plan. Thread-safe: it keeps no state of
 * its own, and {@link Admission} is synchronised.
 */
final class TransferPlanner {
    /** What a request leads to. */
    sealed interface Decision permits Repeated, RateLimited, Refused, Planned {
    }

    /** The client asked again before our first answer reached it: the running transfer's retransmission covers it. */
    record Repeated() implements Decision {
    }

    /** Over the client's request rate: no answer, so a forged source cannot aim error packets at a victim. */
    record RateLimited() implements Decision {
    }

    /**
     * @param outcome    the refused transfer's event, to publish and log
     * @param supersedes whether the client's earlier single-port transfer from the same port ends
     */
    record Refused(Refusal refusal, TransferFinished outcome, boolean supersedes) implements Decision {
    }

    /** @param supersedes whether the client's earlier single-port transfer from the same port ends */
    record Planned(TransferPlan plan, boolean supersedes) implements Decision {
    }

    /** The transfer already running for the request's client address and port, as far as the decision needs it. */
    interface Existing {
        Request request();

        boolean isClosed();

        /** Data has moved; a repeated request is then a new transfer, not a retransmission. */
        boolean hasProgressed();

        /** Whether it has a socket of its own; a single-port transfer shares the request socket. */
        boolean ownsChannel();
    }

    private static final Decision REPEATED = new Repeated();
    private static final Decision RATE_LIMITED = new RateLimited();
    private static final Refusal BUSY = new Refusal(0, "busy, try again later", "busy: transfer limit reached");

    private final Clock clock;
    private final LongSupplier transferIds;

    TransferPlanner(Clock clock, LongSupplier transferIds) {
        this.clock = clock;
        this.transferIds = transferIds;
    }

    /** @param existing the transfer running for {@code peer}, or null */
    Decision decide(Request req, InetSocketAddress peer, Existing existing, ServerSettings s) {
        boolean running = existing != null && !existing.isClosed();
        if (running && existing.request().equals(req) && !existing.hasProgressed()) {
            return REPEATED;
        }
        Admission.Decision admitted = s.admission().tryAdmit(peer.getAddress(), clock.nanoTime());
        if (admitted == Admission.Decision.RATE_LIMITED) {
            return RATE_LIMITED;
        }
        if (admitted == Admission.Decision.BUSY) {
            return refused(req, peer, BUSY, false);
        }
        // Single-port mode: the same client port starts over (U-Boot's pxe get probing names).
        boolean supersedes = running && !existing.ownsChannel();
        OptionNegotiation.Limits limits = s.limitsFor(peer.getAddress());
        // Firmware that asks for options and then fails on the OACK gets plain RFC 1350 (dnsmasq's
        // --tftp-no-blocksize, per client network instead of for everyone).
        Map<String, String> asked = s.optionsOff(peer.getAddress()) ? Map.of() : req.options();
        RequestPolicy policy = s.policy();
        if (req instanceof ReadRequest) {
            Verdict<RequestPolicy.ReadGrant> v = policy.read(req.filename(), req.mode(), peer.getAddress());
            if (!v.granted()) {
                s.admission().release(peer.getAddress());
                return refused(req, peer, v.refusal(), supersedes);
            }
            long size = v.value().source().size();
            OptionNegotiation.Result r = OptionNegotiation.negotiate(asked, limits, size, true);
            Transfer session = new BlockSender(peer, r.parameters(), size, r.needsOack() ? new OptionAck(r.oack()) : null);
            return new Planned(new TransferPlan(record(req, peer, v.value().name(), r), req, session, v.value().source(),
                    size, s), supersedes);
        }
        long announced = parseSize(req.options().get("tsize"));
        Verdict<RequestPolicy.WriteGrant> v = policy.write(req.filename(), req.mode(), peer.getAddress(), announced,
                clock.now());
        if (!v.granted()) {
            s.admission().release(peer.getAddress());
            return refused(req, peer, v.refusal(), supersedes);
        }
        OptionNegotiation.Result r = OptionNegotiation.negotiate(asked, limits, -1, false);
        Transfer session = new BlockReceiver(peer, r.parameters(), v.value().sink(), v.value().maxBytes(),
                r.needsOack() ? new OptionAck(r.oack()) : new Ack(0));
        return new Planned(new TransferPlan(record(req, peer, v.value().name(), r), req, session, null, announced, s),
                supersedes);
    }

    private TransferRecord record(Request req, InetSocketAddress peer, String name, OptionNegotiation.Result r) {
        return new TransferRecord(transferIds.getAsLong(), peer, direction(req), Transfer.sanitize(name),
                req.mode().wireName(), r.oack());
    }

    private Refused refused(Request req, InetSocketAddress peer, Refusal r, boolean supersedes) {
        return new Refused(r, new TransferFinished(clock.now(), transferIds.getAsLong(), peer, direction(req),
                Transfer.sanitize(FileNames.decode(req.filename())), req.mode().wireName(), Map.of(), 0, Duration.ZERO,
                0, TransferOutcome.REFUSED, r.reason()), supersedes);
    }

    private static TransferDirection direction(Request r) {
        return r instanceof ReadRequest ? TransferDirection.READ : TransferDirection.WRITE;
    }

    private static long parseSize(String v) {
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
