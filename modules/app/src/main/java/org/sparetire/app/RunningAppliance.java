package org.sparetire.app;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.lifecycle.ReloadReport;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.lifecycle.ServiceManager;
import org.sparetire.core.lifecycle.StartupFailure;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.core.time.Clock;

/**
 * The appliance as one object: shared event loops, event bus, the three services under one manager.
 * {@code serve} runs one of these until a signal; tests run one in-process.
 */
public final class RunningAppliance implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunningAppliance.class);

    private final NetRuntime net;
    private final EventBus events;
    private final ServiceManager manager;
    private final EventLog eventLog;
    private final ServiceManager.ConfigSource reloadSource;

    private RunningAppliance(NetRuntime net, EventBus events, ServiceManager manager, EventLog eventLog,
                             ServiceManager.ConfigSource reloadSource) {
        this.reloadSource = reloadSource;
        this.net = net;
        this.events = events;
        this.manager = manager;
        this.eventLog = eventLog;
    }

    /**
     * Starts every enabled service, or none (the failure names the service and what to do).
     *
     * @param reloadSource how a reload re-reads the config (SIGHUP, the dashboard's reload button)
     */
    public static RunningAppliance start(AppConfig config, Clock clock, ServiceManager.ConfigSource reloadSource)
            throws StartupFailure {
        String transport = System.getProperty(NetRuntime.TRANSPORT_PROPERTY,
                config.core().ioTransport().name().toLowerCase(java.util.Locale.ROOT));
        NetRuntime net = NetRuntime.create(transport, 0);
        EventBus events = new EventBus();
        EventLog eventLog = EventLog.subscribe(events);
        DashboardControl control = new DashboardControl(reloadSource);
        ServiceManager manager = new ServiceManager(Appliance.slots(control), new ServiceContext(events, clock, net));
        control.attach(manager);
        try {
            manager.start(config);
        } catch (StartupFailure | RuntimeException e) {
            manager.close();
            eventLog.close();
            net.close();
            throw e;
        }
        return new RunningAppliance(net, events, manager, eventLog, reloadSource);
    }

    /** Milliseconds since the JVM started, for the "ready" line and the start-up benchmark. */
    public static long millisSinceJvmStart() {
        return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    public String readySummary() {
        return manager.health().entrySet().stream()
                .filter(e -> !e.getValue().endpoints().isEmpty())
                .map(e -> e.getValue().endpoints().stream().map(ServiceHealth.Endpoint::toString)
                        .collect(Collectors.joining(", ")))
                .collect(Collectors.joining(", "));
    }

    /** Re-reads the config the way this appliance was told to (SIGHUP does this). */
    public CompletableFuture<ReloadReport> reload() {
        return manager.requestReload(reloadSource);
    }

    public Map<String, ServiceHealth> health() {
        return manager.health();
    }

    public AppConfig config() {
        return manager.config();
    }

    public EventBus events() {
        return events;
    }

    public String transport() {
        return net.name();
    }

    /** Graceful stop: services in reverse order, each with the configured grace, then the event loops. */
    @Override
    public void close() {
        manager.close();
        eventLog.close();
        net.close(Duration.ZERO);
        log.info("stopped");
    }
}
