package org.sparetire.dhcp;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.sparetire.core.lifecycle.AbstractService;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.lifecycle.ServiceState;
import org.sparetire.dhcp.lease.Lease;
import org.sparetire.dhcp.lease.PoolSnapshot;
import org.sparetire.dhcp.transport.DhcpTransport;

/**
 * The DHCP service: sockets per interface, the RFC 2131 responder, and the lease store (the journal, or a
 * database shared with other servers). What it holds while serving is {@link Serving}; requests run
 * through the {@link ReplyPipeline} on the transport's event loop; a reload is a {@link ReloadPlan}
 * computed from the old and new settings, then applied. Other threads ask through the lease query port
 * ({@link org.sparetire.core.query.LeaseQueries}) and never wait for the event loop.
 */
public final class DhcpService extends AbstractService<DhcpConfig> {
    private final Serving serving;

    public DhcpService(DhcpConfig config, ServiceContext context) {
        super(config);
        this.serving = new Serving(new DhcpTransport(Objects.requireNonNull(context).net()), context);
    }

    @Override
    public String name() {
        return "dhcp";
    }

    @Override
    protected void startUp(DhcpConfig config) throws ServiceStartException {
        if (config.enabled()) {
            serving.start(config, grace());
        }
    }

    @Override
    protected void apply(DhcpConfig old, DhcpConfig newConfig) throws ServiceStartException {
        serving.applyReload(old, newConfig, grace());
    }

    @Override
    protected void shutDown(Duration grace) {
        serving.stop(grace, state() == ServiceState.STOPPING);
    }

    @Override
    public ServiceHealth health() {
        List<ServiceHealth.Endpoint> eps = serving.endpoints().stream().map(e ->
                new ServiceHealth.Endpoint("udp", e.bootServerPort() ? "proxy-dhcp" : "dhcp", e.address())).toList();
        DhcpConfig config = config();
        ServiceState state = state();
        String detail;
        if (state == ServiceState.FAILED) {
            detail = failure();
        } else if (!config.enabled()) {
            detail = "disabled (dhcp.enabled: false)";
        } else {
            detail = "mode=" + config.mode().name().toLowerCase() + " interfaces=" + String.join(",", config.interfaces())
                    + " " + serving.detail();
        }
        return new ServiceHealth(state, eps, detail);
    }

    /** The lease query port; the service offers no other. */
    @Override
    public <Q> Optional<Q> query(Class<Q> port) {
        return port.isInstance(serving.desk()) ? Optional.of(port.cast(serving.desk())) : Optional.empty();
    }

    /** Every lease the table holds, or with a shared store every lease in the store (see {@link LeaseDesk#leases()}). */
    public CompletableFuture<List<Lease>> leases() {
        return serving.desk().leases();
    }

    /** How full each range is, exactly; never blocks (see {@link LeaseDesk#snapshot()}). */
    public CompletableFuture<PoolSnapshot> pools() {
        return serving.desk().snapshot();
    }
}
