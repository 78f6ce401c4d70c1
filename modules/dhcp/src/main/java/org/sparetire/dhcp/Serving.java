package org.sparetire.dhcp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.config.ConfigText;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.dhcp.lease.DhcpResponder;
import org.sparetire.dhcp.store.LeaseStore;
import org.sparetire.dhcp.transport.DhcpTransport;

/**
 * What a serving DHCP service holds: the sockets per interface, the upkeep timers, and the reply pipeline
 * with its responder and lease store. Started, changed by a {@link ReloadPlan}, and stopped on the
 * lifecycle thread; what touches the table runs on the event loop.
 */
final class Serving {
    private static final Logger log = LoggerFactory.getLogger(DhcpService.class);
    /** How long a reload waits for the event loop to hand the table to the new responder. */
    private static final Duration SWAP_WAIT = Duration.ofSeconds(10);

    private final DhcpTransport transport;
    private final ServingSetup setup;
    private final ReplyPipeline pipeline;
    private final LeaseDesk desk;
    private final List<DhcpTransport.Endpoint> endpoints = new ArrayList<>();
    /** The endpoints for health, replaced whole, so health never waits for a start or reload. */
    private volatile List<DhcpTransport.Endpoint> endpointView = List.of();
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();

    Serving(DhcpTransport transport, ServiceContext context) {
        this.transport = transport;
        this.setup = new ServingSetup(transport, context);
        this.pipeline = new ReplyPipeline(transport, context);
        this.desk = new LeaseDesk(pipeline);
    }

    LeaseDesk desk() {
        return desk;
    }

    List<DhcpTransport.Endpoint> endpoints() {
        return endpointView;
    }

    void start(DhcpConfig c, Duration grace) throws ServiceStartException {
        List<LocalInterfaces.Ipv4> ifaces = setup.resolve(c);
        setup.checkForOtherServers(c, ifaces);
        LeaseStore j = setup.openStore(c);
        DhcpResponder r = new DhcpResponder(c, DhcpResponder.tableFor(c));
        setup.restore(r.table(), j.restored());
        List<DhcpTransport.Endpoint> bound = new ArrayList<>();
        try {
            setup.bindAll(c, ifaces, pipeline, bound);
        } catch (ServiceStartException e) {
            bound.forEach(DhcpTransport.Endpoint::close);
            j.close(grace);
            throw e;
        }
        pipeline.serve(r, j);
        endpoints.addAll(bound);
        endpointView = List.copyOf(endpoints);
        timers.addAll(desk.timers(c));
        log.info("dhcp serving mode={} interfaces={} leases-restored={} {}", c.mode().name().toLowerCase(),
                c.interfaces(), j.restored().size(), c.leaseStore().type() == DhcpConfig.StoreType.JOURNAL
                        ? "journal=" + c.leaseFile() : "lease-store=postgresql " + c.leaseStore().url());
    }

    /** A reload: the plan from the old and new settings, then applied; on failure what was serving serves on as it was. */
    void applyReload(DhcpConfig old, DhcpConfig next, Duration grace) throws ServiceStartException {
        ReloadPlan plan = ReloadPlan.between(old, next);
        if (plan.action() == ReloadPlan.Action.STOP) {
            stop(grace, false);
            log.info("dhcp disabled by reload");
            return;
        }
        if (plan.action() == ReloadPlan.Action.START || pipeline.responder() == null) {
            start(next, grace);
            return;
        }
        List<DhcpTransport.Endpoint> fresh = new ArrayList<>();
        try {
            for (LocalInterfaces.Ipv4 iface : setup.resolve(next)) {
                if (plan.bind().contains(iface.name())) {
                    setup.bindAll(next, List.of(iface), pipeline, fresh);
                }
            }
        } catch (ServiceStartException e) {
            fresh.forEach(DhcpTransport.Endpoint::close);
            throw e;
        }
        List<DhcpTransport.Endpoint> retired = endpoints.stream()
                .filter(e -> plan.retire().contains(e.iface().name())).toList();
        endpoints.removeAll(retired);
        endpoints.addAll(fresh);
        endpointView = List.copyOf(endpoints);
        LeaseStore newStore = plan.reopenStore() ? setup.openStore(next) : null;
        try {
            // Here, on the lifecycle thread: closing waits for the old store's queue, never on the event loop.
            LeaseStore retiredStore = pipeline.swap(new DhcpResponder(next, DhcpResponder.tableFor(next)), newStore)
                    .get(SWAP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (retiredStore != null) {
                retiredStore.close(grace);
            }
        } catch (Exception e) {
            throw new ServiceStartException("dhcp reload did not complete: " + e);
        }
        retired.forEach(DhcpTransport.Endpoint::close);
        timers.forEach(t -> t.cancel(false));
        timers.clear();
        timers.addAll(desk.timers(next));
        log.info("dhcp reconfigured interfaces={} rebound={}", next.interfaces(), fresh.size());
    }

    /**
     * Stops taking requests; replies the event loop still holds are committed and sent (queued before the
     * sockets close), and the store's own queue is written within {@code grace}.
     *
     * @param forGood a stop of the service, not a reload that disables it
     */
    void stop(Duration grace, boolean forGood) {
        pipeline.stopAccepting(forGood);
        timers.forEach(t -> t.cancel(false));
        timers.clear();
        LeaseStore j = pipeline.store();
        if (j != null) {
            try {
                pipeline.drain().get(Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.warn("dhcp stop: in-flight replies not committed within {}", ConfigText.duration(grace));
            }
            j.close(grace);
        }
        endpoints.forEach(DhcpTransport.Endpoint::close);
        endpoints.clear();
        endpointView = List.of();
        pipeline.clear();
    }

    /** The counters and the store's state for the health line. */
    String detail() {
        LeaseStore j = pipeline.store();
        long dropped = transport.dropped().total();
        return "requests=" + pipeline.requests.get() + " acks=" + pipeline.acks.get()
                + (j == null ? "" : " " + j.status())
                + (pipeline.withheld.get() > 0 ? " withheld=" + pipeline.withheld.get() : "")
                + (pipeline.storeBusy.get() > 0 ? " store-busy-dropped=" + pipeline.storeBusy.get() : "")
                + (dropped > 0 ? " flood-dropped=" + dropped : "");
    }
}
