package org.sparetire.core.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigException;
import org.sparetire.core.config.ConfigText;
import org.sparetire.core.config.CoreSettings;
import org.sparetire.core.event.ServiceStateChanged;

/**
 * Starts the enabled services in declared order, rolls a partial start back, stops in reverse order and
 * applies reloads. Reloads follow a stage-then-commit pattern: the new file is parsed and validated in
 * full before any service sees it, so a bad file changes nothing. All state changes run on one
 * lifecycle thread, which is also where signal handlers post their requests.
 */
public final class ServiceManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceManager.class);

    private final List<ServiceSlot<?>> slots;
    private final ServiceContext context;
    private final Map<String, Running<?>> running = new LinkedHashMap<>();
    private final ExecutorService lifecycleThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sparetire-lifecycle");
        t.setDaemon(true);
        return t;
    });
    private AppConfig config;
    /**
     * What the readers see ({@link #health}, {@link #service}, {@link #config}): an immutable copy
     * replaced after every change, so a dashboard thread never waits for a start, reload or stop that
     * holds this manager's lock.
     */
    private volatile View view = new View(Map.of(), null);

    private record View(Map<String, Running<?>> running, AppConfig config) {
    }

    public ServiceManager(List<ServiceSlot<?>> slots, ServiceContext context) {
        this.slots = List.copyOf(slots);
        this.context = Objects.requireNonNull(context);
    }

    /** Starts every enabled service, or none: on failure those already started are stopped again. */
    public synchronized void start(AppConfig newConfig) throws StartupFailure {
        if (config != null) {
            throw new IllegalStateException("already started");
        }
        for (ServiceSlot<?> slot : slots) {
            if (!slot.enabledIn(newConfig)) {
                log.info("{}: disabled", slot.name());
                publishState(slot.name(), ServiceState.DISABLED, "");
                continue;
            }
            try {
                startSlot(slot, newConfig);
            } catch (ServiceStartException | RuntimeException e) {
                stopAll(newConfig.core().shutdownGrace());
                String line = slot.name() + ": " + e.getMessage();
                throw new StartupFailure(slot.name(), line, e);
            }
        }
        config = newConfig;
        publishView();
    }

    private void publishView() {
        view = new View(Collections.unmodifiableMap(new LinkedHashMap<>(running)), config);
    }

    private <C> void startSlot(ServiceSlot<C> slot, AppConfig newConfig) throws ServiceStartException {
        Service<C> service = slot.create(newConfig, context);
        publishState(slot.name(), ServiceState.STARTING, "");
        try {
            service.retireWithin(newConfig.core().shutdownGrace());
            service.start();
        } catch (ServiceStartException | RuntimeException e) {
            publishState(slot.name(), ServiceState.FAILED, e.getMessage());
            service.stop(Duration.ZERO);
            throw e;
        }
        running.put(slot.name(), new Running<>(slot, service, slot.sectionOf(newConfig)));
        publishView();
        ServiceHealth health = service.health();
        log.info("{}: running on {}", slot.name(), health.endpoints());
        publishState(slot.name(), ServiceState.RUNNING, health.endpoints().toString());
    }

    /**
     * Applies a validated config: starts services that became enabled, stops those that became disabled,
     * reconfigures those whose section changed and leaves the rest untouched.
     */
    public synchronized ReloadReport apply(AppConfig newConfig) {
        if (config == null) {
            throw new IllegalStateException("not started");
        }
        List<String> changes = new ArrayList<>();
        coreChanges(config.core(), newConfig.core(), changes);
        boolean allApplied = true;
        for (ServiceSlot<?> slot : slots) {
            allApplied &= applySlot(slot, newConfig, changes);
        }
        config = newConfig;
        publishView();
        if (changes.isEmpty()) {
            changes.add("nothing changed");
        }
        return new ReloadReport(allApplied, List.of(), changes);
    }

    /**
     * The appliance's own settings. The config source applies logging as it reads the file (before any
     * service moves, so the reload itself logs at the new level); the grace applies to the next stop.
     */
    private static void coreChanges(CoreSettings before, CoreSettings after, List<String> changes) {
        if (before.logLevel() != after.logLevel()) {
            changes.add("logging.level: " + lower(before.logLevel()) + " -> " + lower(after.logLevel()));
        }
        if (!before.logFile().equals(after.logFile())) {
            changes.add("logging.file: " + before.logFile().map(Object::toString).orElse("(none)") + " -> "
                    + after.logFile().map(Object::toString).orElse("(none)"));
        }
        if (!before.shutdownGrace().equals(after.shutdownGrace())) {
            changes.add("lifecycle.shutdown-grace: " + ConfigText.duration(before.shutdownGrace()) + " -> "
                    + ConfigText.duration(after.shutdownGrace()));
        }
        if (before.ioTransport() != after.ioTransport()) {
            changes.add("lifecycle.io-transport: " + lower(before.ioTransport()) + " -> " + lower(after.ioTransport())
                    + " (takes effect at the next start)");
        }
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }

    private <C> boolean applySlot(ServiceSlot<C> slot, AppConfig newConfig, List<String> changes) {
        @SuppressWarnings("unchecked")
        Running<C> current = (Running<C>) running.get(slot.name());
        boolean wanted = slot.enabledIn(newConfig);
        C section = slot.sectionOf(newConfig);
        try {
            if (current == null && wanted) {
                startSlot(slot, newConfig);
                changes.add(slot.name() + ": started");
            } else if (current != null && !wanted) {
                stopOne(current, newConfig.core().shutdownGrace());
                publishState(slot.name(), ServiceState.DISABLED, "");
                changes.add(slot.name() + ": stopped");
            } else if (current != null && !current.section().equals(section)) {
                current.service().retireWithin(newConfig.core().shutdownGrace());
                current.service().reconfigure(section);
                running.put(slot.name(), new Running<>(slot, current.service(), section));
                publishView();
                changes.add(slot.name() + ": reconfigured");
            }
            return true;
        } catch (ServiceStartException | RuntimeException e) {
            changes.add(slot.name() + ": kept its previous settings: " + e.getMessage());
            log.error("{}: reload not applied, previous settings stay: {}", slot.name(), e.getMessage());
            return false;
        }
    }

    /**
     * Posts a reload to the lifecycle thread: the source is read and validated there; a bad file is
     * rejected with its problems and the running config stays.
     */
    public CompletableFuture<ReloadReport> requestReload(ConfigSource source) {
        return CompletableFuture.supplyAsync(() -> {
            AppConfig staged;
            try {
                staged = source.load();
            } catch (ConfigException e) {
                e.problems().forEach(p -> log.error("reload rejected: {}", p));
                log.error("reload rejected: the running configuration stays in force");
                return ReloadReport.rejected(e.problems());
            }
            ReloadReport report = apply(staged);
            report.changes().forEach(c -> log.info("reload: {}", c));
            return report;
        }, lifecycleThread).whenComplete((report, failure) -> {
            if (failure != null) {
                log.error("reload failed, the running configuration stays: {}", failure.toString());
            }
        });
    }

    /** Stops every running service in reverse start order, each with the configured grace period. */
    public synchronized void stop() {
        if (config != null) {
            stopAll(config.core().shutdownGrace());
        }
    }

    private void stopAll(Duration grace) {
        List<Running<?>> reverse = new ArrayList<>(running.values());
        Collections.reverse(reverse);
        for (Running<?> r : reverse) {
            stopOne(r, grace);
        }
    }

    private void stopOne(Running<?> r, Duration grace) {
        String name = r.slot().name();
        publishState(name, ServiceState.STOPPING, "");
        try {
            r.service().stop(grace);
        } catch (RuntimeException e) {
            log.warn("{}: error while stopping: {}", name, e.toString());
        }
        running.remove(name);
        publishView();
        publishState(name, ServiceState.TERMINATED, "");
        log.info("{}: stopped", name);
    }

    /** Every slot's health; never waits for a start, reload or stop in progress. */
    public Map<String, ServiceHealth> health() {
        View seen = view;
        Map<String, Running<?>> now = seen.running();
        AppConfig inForce = seen.config();
        Map<String, ServiceHealth> result = new LinkedHashMap<>();
        for (ServiceSlot<?> slot : slots) {
            Running<?> r = now.get(slot.name());
            ServiceState idle = inForce != null && !slot.enabledIn(inForce) ? ServiceState.DISABLED : ServiceState.TERMINATED;
            result.put(slot.name(), r == null ? ServiceHealth.of(idle) : r.service().health());
        }
        return result;
    }

    public Optional<Service<?>> service(String name) {
        return Optional.ofNullable(view.running().get(name)).map(Running::service);
    }

    /** The first running service that answers through {@code port}; never waits for a lifecycle change. */
    public <Q> Optional<Q> query(Class<Q> port) {
        for (Running<?> r : view.running().values()) {
            Optional<Q> q = r.service().query(port);
            if (q.isPresent()) {
                return q;
            }
        }
        return Optional.empty();
    }

    public AppConfig config() {
        return view.config();
    }

    @Override
    public void close() {
        stop();
        lifecycleThread.shutdownNow();
    }

    private void publishState(String name, ServiceState state, String detail) {
        context.events().publish(new ServiceStateChanged(context.clock().now(), name, state, detail));
    }

    /** Reads and validates a whole config, for reloads. */
    @FunctionalInterface
    public interface ConfigSource {
        AppConfig load() throws ConfigException;
    }

    private record Running<C>(ServiceSlot<C> slot, Service<C> service, C section) {
    }
}
