package org.sparetire.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.event.LeaseEvent;
import org.sparetire.core.net.LocalAddresses;
import org.sparetire.core.lifecycle.ReloadReport;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.lifecycle.ServiceManager;
import org.sparetire.core.query.LeaseQueries;
import org.sparetire.core.query.LogQueries;
import org.sparetire.syslog.SyslogConfig;
import org.sparetire.tftp.TftpConfig;
import org.sparetire.web.ApplianceControl;

/**
 * The dashboard's view of the appliance. The web service is one of the manager's own services, so the
 * manager is attached after it is built; until then (during the very first start) nothing is asked.
 */
final class DashboardControl implements ApplianceControl {
    private final ServiceManager.ConfigSource reloadSource;
    private volatile ServiceManager manager;
    private final java.util.concurrent.ExecutorService disk = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sparetire-files");
        t.setDaemon(true);
        return t;
    });

    DashboardControl(ServiceManager.ConfigSource reloadSource) {
        this.reloadSource = reloadSource;
    }

    void attach(ServiceManager manager) {
        this.manager = manager;
    }

    private ServiceManager manager() {
        ServiceManager m = manager;
        if (m == null) {
            throw new IllegalStateException("the appliance is still starting");
        }
        return m;
    }

    @Override
    public Map<String, ServiceHealth> health() {
        return manager().health();
    }

    @Override
    public AppConfig config() {
        return manager().config();
    }

    @Override
    public Optional<String> configSource() {
        AppConfig config = manager().config();
        if (config == null) {
            return Optional.empty();
        }
        if (config.source().equals(ConfigFiles.EMBEDDED_LABEL)) {
            return Optional.of(ConfigFiles.embeddedText());
        }
        try {
            return Optional.of(Files.readString(Path.of(config.source())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public CompletableFuture<ReloadReport> reload() {
        return manager().requestReload(reloadSource);
    }

    @Override
    public CompletableFuture<LeaseRelease> releaseLease(String mac) {
        return query(LeaseQueries.class)
                .map(d -> d.release(mac).thenApply(released -> released ? LeaseRelease.RELEASED : LeaseRelease.NOT_FOUND))
                .orElse(CompletableFuture.completedFuture(LeaseRelease.UNSUPPORTED));
    }

    /** Messages the collector lost: over a sender's rate, queue full, or a full disk. */
    @Override
    public OptionalLong syslogDropped() {
        return query(LogQueries.class).map(s -> OptionalLong.of(s.dropped())).orElse(OptionalLong.empty());
    }

    @Override
    public Map<String, Long> dhcpDropped() {
        return query(LeaseQueries.class).map(LeaseQueries::dropped).orElse(Map.of());
    }

    @Override
    public Optional<Boolean> dhcpLeaseStoreUp() {
        return query(LeaseQueries.class).flatMap(LeaseQueries::storeReachable);
    }

    @Override
    public CompletableFuture<List<LeaseEvent>> currentLeases() {
        return query(LeaseQueries.class).map(LeaseQueries::activeLeases)
                .orElse(CompletableFuture.completedFuture(List.of()));
    }

    @Override
    public boolean leasesShared() {
        return query(LeaseQueries.class).map(LeaseQueries::sharedStore).orElse(false);
    }

    /** From the snapshot the lease service publishes: no question to its event loop unless a lease ran out since. */
    @Override
    public CompletableFuture<List<PoolUsage>> pools() {
        return query(LeaseQueries.class)
                .map(d -> d.pools().thenApply(fills -> fills.stream()
                        .map(f -> new PoolUsage(f.name(), f.size(), f.held())).toList()))
                .orElse(CompletableFuture.completedFuture(List.of()));
    }

    @Override
    public Optional<Bench> bench() {
        ServiceManager m = manager;
        AppConfig config = m == null ? null : m.config();
        if (config == null) {
            return Optional.empty();
        }
        TftpConfig tftp = config.section(TftpConfig.SECTION);
        SyslogConfig syslog = config.section(SyslogConfig.SECTION);
        int port = !tftp.enabled() ? -1 : Optional.ofNullable(m.health().get("tftp"))
                .flatMap(h -> h.endpoints().stream().filter(e -> e.role().equals("tftp")).findFirst())
                .map(e -> e.address().getPort()).orElse(tftp.listen().port());
        return Optional.of(new Bench(LocalAddresses.current(), port,
                tftp.enabled() ? Optional.of(tftp.root()) : Optional.empty(),
                tftp.enabled() && tftp.uploads().enabled() ? Optional.of(tftp.uploads().dir()) : Optional.empty(),
                syslog.enabled() ? Optional.of(syslog.directory()) : Optional.empty()));
    }

    /** Listing and hashing read the disk: on their own thread, never the dashboard's event loop. */
    @Override
    public CompletableFuture<SharedFiles> sharedFiles(int limit) {
        Optional<Path> root = bench().flatMap(Bench::tftpRoot);
        if (root.isEmpty()) {
            return CompletableFuture.completedFuture(new SharedFiles(List.of(), false));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return SharedFolder.list(root.get(), limit);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, disk);
    }

    @Override
    public CompletableFuture<Optional<String>> sha256(String name) {
        Optional<Path> root = bench().flatMap(Bench::tftpRoot);
        if (root.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return SharedFolder.sha256(root.get(), name);
            } catch (IOException e) {
                return Optional.<String>empty();
            }
        }, disk);
    }

    private <Q> Optional<Q> query(Class<Q> port) {
        ServiceManager m = manager;
        return m == null ? Optional.empty() : m.query(port);
    }
}
