package org.sparetire.web;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigException;
import org.sparetire.core.config.ConfigLoader;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.core.lifecycle.ReloadReport;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.lifecycle.ServiceState;

/**
 * The app's side of {@link ApplianceControl} for tests: a real config bound from text, and a reload that
 * really binds the current text, so a broken file comes back with real file:line:col problems.
 */
public final class FakeAppliance implements ApplianceControl {
    public volatile String text;
    public final Map<String, ServiceHealth> health = new LinkedHashMap<>();
    public final List<String> released = new ArrayList<>();
    public final List<org.sparetire.core.event.LeaseEvent> current = new java.util.concurrent.CopyOnWriteArrayList<>();
    public volatile boolean releaseSupported = true;
    /** As a DHCP service whose lease store other servers share: the Leases page asks {@link #current} each time. */
    public volatile boolean leasesShared;
    /** When set, reload() answers with this instead of re-binding the text (a slow lifecycle thread). */
    public volatile java.util.function.Supplier<CompletableFuture<ReloadReport>> reloadOverride;
    private volatile AppConfig config;

    public FakeAppliance(String text) throws ConfigException {
        this.text = text;
        this.config = load(text);
        health.put("tftp", ServiceHealth.of(ServiceState.RUNNING));
        health.put("dhcp", ServiceHealth.of(ServiceState.TERMINATED));
    }

    static AppConfig load(String text) throws ConfigException {
        return new ConfigLoader(List.of(WebConfig.SECTION)).loadText(text, "sparetire.yaml", Path.of("/etc/sparetire"),
                ConfigOverrides.none());
    }

    public WebConfig webConfig() {
        return config.section(WebConfig.SECTION);
    }

    @Override
    public Map<String, ServiceHealth> health() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(health));
    }

    @Override
    public AppConfig config() {
        return config;
    }

    @Override
    public Optional<String> configSource() {
        return Optional.of(text);
    }

    @Override
    public CompletableFuture<ReloadReport> reload() {
        if (reloadOverride != null) {
            return reloadOverride.get();
        }
        try {
            config = load(text);
            return CompletableFuture.completedFuture(new ReloadReport(true, List.of(), List.of("web: reconfigured")));
        } catch (ConfigException e) {
            return CompletableFuture.completedFuture(new ReloadReport(false, e.problems(), List.of()));
        }
    }

    @Override
    public CompletableFuture<LeaseRelease> releaseLease(String mac) {
        if (!releaseSupported) {
            return CompletableFuture.completedFuture(LeaseRelease.UNSUPPORTED);
        }
        released.add(mac);
        return CompletableFuture.completedFuture(LeaseRelease.RELEASED);
    }

    @Override
    public CompletableFuture<List<org.sparetire.core.event.LeaseEvent>> currentLeases() {
        return CompletableFuture.completedFuture(List.copyOf(current));
    }

    @Override
    public boolean leasesShared() {
        return leasesShared;
    }

    @Override
    public CompletableFuture<List<PoolUsage>> pools() {
        return CompletableFuture.completedFuture(List.of(new PoolUsage("lab 10.77.0.100-10.77.0.199", 100, 25)));
    }

    @Override
    public OptionalLong syslogDropped() {
        return OptionalLong.of(3);
    }

    @Override
    public Map<String, Long> dhcpDropped() {
        return Map.of("inform-rate", 5L, "unicast-queue-full", 0L);
    }

    /** A shared lease store whose database does not answer. */
    @Override
    public java.util.Optional<Boolean> dhcpLeaseStoreUp() {
        return java.util.Optional.of(false);
    }
}
