package org.sparetire.web;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.event.LeaseEvent;
import org.sparetire.core.lifecycle.ReloadReport;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.net.LocalAddresses;

/**
 * What the dashboard may ask of the running appliance. The app module implements it; the web module
 * never sees a service module. Everything past the first four methods is an optional capability: the
 * defaults say "not available", and the dashboard shows that instead of pretending.
 *
 * <p>No method blocks. What another service owns comes back as a future, which may complete on that
 * service's thread: callers continue on their own executor ({@code thenApplyAsync(f, executor)}) and
 * never wait on it.
 */
public interface ApplianceControl {

    /** Every service slot's health, by service name, in start order. */
    Map<String, ServiceHealth> health();

    /** The config in force (defaults filled in), for the Config page. */
    AppConfig config();

    /** The text of the config file in force, when it came from a file, for the Config page. */
    Optional<String> configSource();

    /**
     * Re-reads and applies the config file, as SIGHUP does. A bad file comes back with its problems
     * ({@code file:line:col}) and changes nothing.
     */
    CompletableFuture<ReloadReport> reload();

    /** Ends a lease now, as if the client had sent DHCPRELEASE; completes once the end is on disk. */
    default CompletableFuture<LeaseRelease> releaseLease(String mac) {
        return CompletableFuture.completedFuture(LeaseRelease.UNSUPPORTED);
    }

    /**
     * Leases the DHCP service holds now (as ACKED events: MAC, address, expiry, what else it knows),
     * so leases restored from its journal after a restart show before their clients renew. Asked when
     * a service reports RUNNING.
     */
    default CompletableFuture<List<LeaseEvent>> currentLeases() {
        return CompletableFuture.completedFuture(List.of());
    }

    /**
     * True when {@link #currentLeases()} reads a lease store that other servers write too: the Leases page
     * then asks it at each request, so a lease another server granted shows at once.
     */
    default boolean leasesShared() {
        return false;
    }

    /**
     * Address pools and how full they are, for the Leases page and the pool-utilisation metric: exact at
     * a moment between the call and the completion.
     */
    default CompletableFuture<List<PoolUsage>> pools() {
        return CompletableFuture.completedFuture(List.of());
    }

    /** Syslog messages the collector dropped (queue full, rate limit), when it counts them. */
    default OptionalLong syslogDropped() {
        return OptionalLong.empty();
    }

    /**
     * DHCP requests and replies given up under a flood since start, by reason (INFORMs over the per-source
     * rate, unicast replies to too many new addresses, unicast send queue full); empty when DHCP is not running.
     */
    default Map<String, Long> dhcpDropped() {
        return Map.of();
    }

    /**
     * Whether DHCP's lease store can be written now (false while its database does not answer, and every
     * OFFER and ACK is withheld); empty when DHCP is not running.
     */
    default Optional<Boolean> dhcpLeaseStoreUp() {
        return Optional.empty();
    }

    /**
     * What a technician needs to point a device here: this machine's addresses per interface and the
     * folders devices fetch from and send to; empty when the app cannot say.
     */
    default Optional<Bench> bench() {
        return Optional.empty();
    }

    /**
     * The files devices can fetch (under the TFTP root), at most {@code limit}, read off the dashboard's
     * event loop; empty when TFTP is off.
     */
    default CompletableFuture<SharedFiles> sharedFiles(int limit) {
        return CompletableFuture.completedFuture(new SharedFiles(List.of(), false));
    }

    /** The SHA-256 of one shared file (hex), computed off the event loop; empty when there is no such file. */
    default CompletableFuture<Optional<String>> sha256(String name) {
        return CompletableFuture.completedFuture(Optional.empty());
    }

    /**
     * The four required capabilities from plain functions, for an app that has them at hand:
     * {@code ApplianceControl.of(manager::health, manager::config, () -> readFile(path), () -> manager.requestReload(source))}.
     * Optional capabilities keep their "not available" defaults.
     */
    static ApplianceControl of(java.util.function.Supplier<Map<String, ServiceHealth>> health,
                               java.util.function.Supplier<AppConfig> config,
                               java.util.function.Supplier<Optional<String>> configSource,
                               java.util.function.Supplier<CompletableFuture<ReloadReport>> reload) {
        return new ApplianceControl() {
            @Override
            public Map<String, ServiceHealth> health() {
                return health.get();
            }

            @Override
            public AppConfig config() {
                return config.get();
            }

            @Override
            public Optional<String> configSource() {
                return configSource.get();
            }

            @Override
            public CompletableFuture<ReloadReport> reload() {
                return reload.get();
            }
        };
    }

    /** The outcome of a lease release request. */
    enum LeaseRelease {
        RELEASED, NOT_FOUND, UNSUPPORTED
    }

    /**
     * @param addresses this machine's addresses on interfaces that are up (loopback left out)
     * @param tftpPort  the port TFTP answers on, or -1 when it is off
     * @param tftpRoot  the folder devices fetch from, when TFTP is on
     * @param uploads   the inbox uploads land in, when uploads are on
     * @param syslogDir the folder syslog files go to, when syslog is on
     */
    record Bench(List<LocalAddresses.Entry> addresses, int tftpPort, Optional<Path> tftpRoot, Optional<Path> uploads,
                 Optional<Path> syslogDir) {
        public Bench {
            addresses = List.copyOf(addresses);
        }
    }

    /** @param name the path under the TFTP root, '/' between folders */
    record SharedFile(String name, long size, Instant modified) {
    }

    /** @param truncated true when there were more files than asked for */
    record SharedFiles(List<SharedFile> files, boolean truncated) {
        public SharedFiles {
            files = List.copyOf(files);
        }
    }

    /**
     * @param name  the pool's name as configured (or its range, such as {@code 10.0.0.100-10.0.0.199})
     * @param size  addresses the pool can hand out
     * @param used  addresses offered or leased now
     */
    record PoolUsage(String name, int size, int used) {
        public double utilisation() {
            return size <= 0 ? 0 : (double) used / size;
        }
    }
}
