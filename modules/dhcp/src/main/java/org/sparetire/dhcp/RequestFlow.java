package org.sparetire.dhcp;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.lease.DhcpResponder;
import org.sparetire.dhcp.lease.Ingress;
import org.sparetire.dhcp.lease.Lease;
import org.sparetire.dhcp.lease.Step;
import org.sparetire.dhcp.transport.DhcpTransport;

/**
 * One request's way to its reply: the responder decides; an address it wants probed is pinged first; the
 * leases the reply depends on wait for the group commit; the reply leaves. Deciding again (the probed
 * address answered, or a shared store refused a lease) is a step of this flow, never a new request.
 * Runs on the event loop, except the ping itself.
 */
final class RequestFlow {
    private static final Logger log = LoggerFactory.getLogger(DhcpService.class);
    private static final int MAX_PINGS = 4;
    /** A request is decided again at most this many times after the shared store refused its lease. */
    private static final int MAX_CLAIMS = 4;

    private final ReplyPipeline pipeline;
    private final DhcpMessage request;
    private final Ingress ingress;
    private final DhcpTransport.Endpoint endpoint;
    private int pings;
    private int attempt;
    private Step step;
    private List<Lease> leases = List.of();

    RequestFlow(ReplyPipeline pipeline, DhcpMessage request, Ingress ingress, DhcpTransport.Endpoint endpoint) {
        this.pipeline = pipeline;
        this.request = request;
        this.ingress = ingress;
        this.endpoint = endpoint;
    }

    /** The responder decides; then the flow pings, waits for the commit, or replies now. */
    void decide() {
        DhcpResponder r = pipeline.responder();
        if (r == null || pipeline.store() == null) {
            return; // stopped: no reply may leave without its lease stored
        }
        try {
            step = r.onPacket(request, ingress, pipeline.now());
        } catch (RuntimeException e) {
            log.warn("dhcp request from {} mac={} could not be handled: {}", ingress.source(), request.mac(), e.toString());
            return;
        }
        if (step.probe() == null) {
            claim(true);
        } else if (pings >= MAX_PINGS) {
            log.warn("dhcp no offer for mac={}: {} addresses in a row answered a ping", request.mac(), pings);
        } else {
            pipeline.ping().answers(step.probe(), ingress.interfaceName(), r.config().pingTimeout())
                    .thenAccept(inUse -> pipeline.onLoop(() -> pinged(inUse)));
        }
    }

    /** Back on the event loop: an answered address is quarantined and the request decided again. */
    private void pinged(boolean inUse) {
        if (!pipeline.serving()) {
            return;
        }
        if (inUse) {
            pipeline.inUse(step.probe(), ingress.interfaceName());
            pings++;
            decide();
        } else {
            // The probe went out before the claim: with a shared store the offer still waits for it.
            claim(false);
        }
        pipeline.onBatchEnd();
    }

    /** The reply leaves now, or waits for its leases in the current batch. */
    private void claim(boolean dropSilent) {
        leases = pipeline.leasesOf(step, request);
        if (dropSilent && !step.sends() && leases.isEmpty()) {
            if (log.isDebugEnabled()) {
                log.debug("dhcp drop iface={} peer={}: {}", ingress.interfaceName(), ingress.source(), step.log());
            }
        } else if (leases.isEmpty()) {
            pipeline.finish(step, endpoint);
        } else {
            pipeline.await(this);
        }
    }

    List<Lease> leases() {
        return leases;
    }

    boolean firstTry() {
        return attempt == 0;
    }

    String mac() {
        return request.mac();
    }

    /** The store took the leases: the reply leaves. */
    void committed() {
        pipeline.finish(step, endpoint);
    }

    /**
     * A shared store refused a lease; {@code truth} stands in its way. The table learns it and the request is
     * decided again (another address, the client's own one elsewhere, or a NAK).
     *
     * @return true when the flow waits for another commit
     */
    boolean refused(List<Lease> truth) {
        DhcpResponder r = pipeline.responder();
        if (r == null) {
            return false;
        }
        if (attempt + 1 >= MAX_CLAIMS) {
            log.warn("dhcp no reply to mac={}: the shared lease store refused {} addresses in a row (last {} held by {})",
                    request.mac(), MAX_CLAIMS, truth.get(0).address().getHostAddress(), truth.get(0).mac());
            return false;
        }
        truth.forEach(r.table()::record);
        attempt++;
        pings = 0;
        decide();
        return true;
    }
}
