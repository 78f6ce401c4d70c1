package org.sparetire.web;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.event.ServiceStateChanged;
import org.sparetire.core.lifecycle.AbstractService;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.lifecycle.ServiceState;
import org.sparetire.web.api.StaticAssets;
import org.sparetire.web.api.WebApi;
import org.sparetire.web.metrics.ApplianceMetrics;
import org.sparetire.web.policy.AccessPolicy;
import org.sparetire.web.policy.BrowserSessions;
import org.sparetire.web.store.Dashboard;
import org.sparetire.web.transport.WebServer;

/**
 * The live dashboard, JSON API and Prometheus endpoint as one lifecycle service. It learns everything
 * from the event bus and the {@link ApplianceControl} the app hands it; it never sees another service.
 */
public final class WebService extends AbstractService<WebConfig> {
    private static final Logger log = LoggerFactory.getLogger(WebService.class);

    private final ServiceContext context;
    private final ApplianceControl control;
    private final Dashboard dashboard;
    private final ApplianceMetrics metrics;
    private final BrowserSessions sessions = new BrowserSessions();
    private final AccessPolicy access;
    private final WebApi api;
    private final WebServer server;
    private EventBus.Subscription subscription;

    public WebService(WebConfig config, ServiceContext context, ApplianceControl control) {
        super(config);
        this.context = Objects.requireNonNull(context);
        this.control = Objects.requireNonNull(control);
        this.dashboard = new Dashboard(config.history(), context.clock());
        this.metrics = new ApplianceMetrics(dashboard, () -> this.control);
        this.access = new AccessPolicy(config, sessions);
        this.api = new WebApi(config, dashboard, () -> this.control, metrics, access, sessions, new StaticAssets(),
                context.clock());
        this.server = new WebServer(context.net(), api, dashboard, metrics, context.clock(), config.maxClients());
    }

    @Override
    public String name() {
        return "web";
    }

    @Override
    protected void startUp(WebConfig config) throws ServiceStartException {
        if (config.token().isEmpty() && !config.loopbackOnly()) {
            // The binder refuses this; kept as a last line of defence for configs built in code.
            throw new ServiceStartException("refusing to serve " + config.bind().getHostAddress()
                    + " without web.token");
        }
        dashboard.applyOn(server.executor());
        // Publishers are the services' event loops: the dashboard only queues, the counters only add.
        subscription = context.events().subscribeAll(e -> {
            dashboard.offer(e);
            metrics.accept(e);
            if (e instanceof ServiceStateChanged s && s.state() == ServiceState.RUNNING) {
                restoreLeases();
            }
        });
        restoreLeases();
        try {
            server.bind(new InetSocketAddress(config.bind(), config.port()));
        } catch (WebServer.BindException e) {
            subscription.close();
            subscription = null;
            throw new ServiceStartException(e.getMessage(), e.getCause());
        }
    }

    @Override
    protected void apply(WebConfig config, WebConfig newConfig) throws ServiceStartException {
        if (newConfig.token().isEmpty() && !newConfig.loopbackOnly()) {
            throw new ServiceStartException("refusing to serve " + newConfig.bind().getHostAddress()
                    + " without web.token");
        }
        boolean rebind = !newConfig.bind().equals(config.bind()) || newConfig.port() != config.port();
        if (rebind) {
            try {
                server.bind(new InetSocketAddress(newConfig.bind(), newConfig.port()));
            } catch (WebServer.BindException e) {
                throw new ServiceStartException(e.getMessage(), e.getCause());
            }
        }
        access.reconfigure(newConfig);
        api.reconfigure(newConfig);
        dashboard.resize(newConfig.history());
        server.setMaxClients(newConfig.maxClients());
        log.info("web: reconfigured{}", rebind ? " (listening at " + server.localAddress() + ")" : "");
    }

    @Override
    protected void shutDown(Duration grace) {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
        server.close(grace);
    }

    /** Leases the DHCP service restored from its journal appear without waiting for renewals. */
    private void restoreLeases() {
        try {
            control.currentLeases().whenCompleteAsync((leases, failure) -> {
                if (failure != null) {
                    log.debug("web: current leases not available: {}", failure.toString());
                } else {
                    dashboard.restore(leases);
                }
            }, server.executor());
        } catch (RuntimeException e) {
            log.debug("web: current leases not available yet: {}", e.toString());
        }
    }

    @Override
    public ServiceHealth health() {
        InetSocketAddress local = server.localAddress();
        List<ServiceHealth.Endpoint> endpoints = local == null ? List.of()
                : List.of(new ServiceHealth.Endpoint("tcp", "http", local));
        int inFlight = server.requestsInFlight();
        return new ServiceHealth(state(), endpoints, server.openConnections() + " connections, "
                + server.liveStreams() + " live views" + (inFlight > 0 ? ", " + inFlight + " requests in flight" : "")
                + (config().token().isPresent() ? ", token required" : ""));
    }

    /** What the dashboard knows, for the terminal status and tests. */
    public Dashboard dashboard() {
        return dashboard;
    }
}
