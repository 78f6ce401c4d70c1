package org.sparetire.dhcp;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.event.LeaseEvent;
import org.sparetire.core.event.LeaseEventKind;
import org.sparetire.core.event.ServiceWarning;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.core.query.LeaseQueries;
import org.sparetire.dhcp.lease.DhcpResponder;
import org.sparetire.dhcp.lease.Lease;
import org.sparetire.dhcp.lease.LeaseState;
import org.sparetire.dhcp.lease.PoolSnapshot;
import org.sparetire.dhcp.store.LeaseStore;
import org.sparetire.dhcp.transport.DhcpTransport;

/**
 * The lease table's upkeep (the sweep of expired leases, what other servers of a shared store did, flood
 * reports, compaction) and the questions other threads ask of it ({@link LeaseQueries}). Changes run on
 * the event loop like every other change to the table; askers get futures or the published snapshot and
 * never wait for that thread.
 */
final class LeaseDesk implements LeaseQueries {
    private static final Logger log = LoggerFactory.getLogger(DhcpService.class);
    static final Duration SWEEP_EVERY = Duration.ofSeconds(10);
    /** At most one dashboard warning per this period while a flood lasts (the log has a line per sweep). */
    private static final Duration DROP_WARNING_EVERY = Duration.ofMinutes(1);

    private final ReplyPipeline pipeline;
    private final DhcpTransport transport;
    private final ServiceContext context;
    /** The one sweep that readers of an out-of-date snapshot are waiting for, if any. */
    private final AtomicReference<CompletableFuture<PoolSnapshot>> refreshing = new AtomicReference<>();
    /** Flood drops already reported, and when the last warning went out; touched only by the sweep. */
    private DhcpTransport.Dropped reportedDrops = new DhcpTransport.Dropped(0, 0, 0);
    private Instant lastDropWarning = Instant.MIN;

    LeaseDesk(ReplyPipeline pipeline) {
        this.pipeline = pipeline;
        this.transport = pipeline.transport();
        this.context = pipeline.context();
    }

    /** The periodic upkeep, on the event loop. */
    List<ScheduledFuture<?>> timers(DhcpConfig c) {
        return List.of(transport.every(SWEEP_EVERY, this::sweep), transport.every(c.compactEvery(), this::compact));
    }

    private void sweep() {
        DhcpResponder r = pipeline.responder();
        LeaseStore j = pipeline.store();
        if (r == null || j == null) {
            return;
        }
        reportDrops();
        learnFromOthers(r, j);
        List<Lease> expired = r.onTimeout(context.clock().now());
        pipeline.publish();
        if (!expired.isEmpty()) {
            j.commit(expired, true);
            for (Lease l : expired) {
                log.info("dhcp expired mac={} ip={}", l.mac(), l.address().getHostAddress());
                context.events().publish(new LeaseEvent(context.clock().now(), LeaseEventKind.EXPIRED, l.mac(), null,
                        l.address(), l.hostname(), null, -1, null, null, null, l.expires(), null, null));
            }
        }
    }

    /** What other servers sharing the store did lately goes into the table, so they are not asked twice. */
    private void learnFromOthers(DhcpResponder r, LeaseStore j) {
        if (!j.shared()) {
            return;
        }
        j.changesByOthers().whenComplete((rows, error) -> {
            if (error == null && !rows.isEmpty()) {
                transport.execute(() -> {
                    if (pipeline.responder() == r) {
                        rows.forEach(r.table()::record);
                        pipeline.publish();
                    }
                });
            }
        });
    }

    /** One log line per sweep in which a flood cost something, and a dashboard warning at most once a minute. */
    private void reportDrops() {
        DhcpTransport.Dropped now = transport.dropped();
        long informs = now.informsOverRate() - reportedDrops.informsOverRate();
        long fresh = now.unicastNewDestinations() - reportedDrops.unicastNewDestinations();
        long full = now.unicastQueueFull() - reportedDrops.unicastQueueFull();
        reportedDrops = now;
        if (informs == 0 && fresh == 0 && full == 0) {
            return;
        }
        String msg = "flood in the last " + SWEEP_EVERY.toSeconds() + "s: dropped " + informs
                + " INFORMs over the per-source rate, " + fresh + " unicast replies to too many new addresses at once"
                + " and " + full + " with the unicast send queue full (replies to addresses that do not answer ARP)";
        log.warn("dhcp {}", msg);
        Instant at = context.clock().now();
        if (!at.isBefore(lastDropWarning.plus(DROP_WARNING_EVERY))) {
            lastDropWarning = at;
            context.events().publish(new ServiceWarning(at, "dhcp", msg));
        }
    }

    private void compact() {
        DhcpResponder r = pipeline.responder();
        LeaseStore j = pipeline.store();
        if (r != null && j != null) {
            j.compact(r.table().all());
        }
    }

    @Override
    public Optional<Boolean> storeReachable() {
        LeaseStore j = pipeline.store();
        return j == null ? Optional.empty() : Optional.of(j.reachable());
    }

    @Override
    public Map<String, Long> dropped() {
        DhcpTransport.Dropped n = transport.dropped();
        return Map.of("inform-rate", n.informsOverRate(), "unicast-new-destinations", n.unicastNewDestinations(),
                "unicast-queue-full", n.unicastQueueFull());
    }

    /**
     * Ends the lease a MAC holds now, as if the client had released it: stored, logged and announced on
     * the event stream, on the event loop like every other change to the table.
     */
    @Override
    public CompletableFuture<Boolean> release(String mac) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        DhcpResponder r = pipeline.responder();
        LeaseStore j = pipeline.store();
        if (r == null || j == null) {
            done.completeExceptionally(new IllegalStateException("dhcp is not serving"));
            return done;
        }
        onLoop(done, () -> {
            Instant now = context.clock().now();
            Optional<Lease> released = r.releaseByOperator(mac, now);
            pipeline.publish();
            if (released.isEmpty()) {
                done.complete(false);
                return;
            }
            Lease l = released.get();
            log.info("dhcp released by operator mac={} ip={}", l.mac(), l.address().getHostAddress());
            context.events().publish(new LeaseEvent(now, LeaseEventKind.RELEASED, l.mac(), null, l.address(),
                    l.hostname(), null, -1, null, null, null, null, null, null));
            j.commit(List.of(l), true).whenComplete((ok, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                } else {
                    done.complete(true);
                }
            });
        });
        return done;
    }

    /**
     * Every lease the table holds (remembered ones included), copied on the event loop when asked. With a
     * store shared with other servers, every lease in the store instead, read on the store's own thread,
     * so what another server granted a moment ago is there too (the table when the store cannot be read).
     */
    CompletableFuture<List<Lease>> leases() {
        if (pipeline.responder() == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        LeaseStore j = pipeline.store();
        if (j != null && j.shared()) {
            return j.everyLease().exceptionallyCompose(e -> tableLeases());
        }
        return tableLeases();
    }

    @Override
    public boolean sharedStore() {
        LeaseStore j = pipeline.store();
        return j != null && j.shared();
    }

    private CompletableFuture<List<Lease>> tableLeases() {
        CompletableFuture<List<Lease>> f = new CompletableFuture<>();
        onLoop(f, () -> {
            DhcpResponder r = pipeline.responder();
            f.complete(List.copyOf(r == null ? List.of() : r.table().all()));
        });
        return f;
    }

    @Override
    public CompletableFuture<List<LeaseEvent>> activeLeases() {
        return leases().thenApply(leases -> {
            Instant now = context.clock().now();
            return leases.stream()
                    .filter(l -> l.activeAt(now) && l.state() == LeaseState.BOUND)
                    .map(l -> new LeaseEvent(now, LeaseEventKind.ACKED, l.mac(), null, l.address(), l.hostname(), null,
                            -1, null, null, null, l.expires(), null, Map.of()))
                    .toList();
        });
    }

    @Override
    public CompletableFuture<List<PoolFill>> pools() {
        return snapshot().thenApply(PoolSnapshot::fills);
    }

    /**
     * How full each range is, exactly: the published snapshot when no counted lease can have run out
     * since, else the snapshot after a sweep on the event loop (one sweep serves every reader that asks
     * meanwhile). Never blocks.
     */
    CompletableFuture<PoolSnapshot> snapshot() {
        PoolSnapshot s = pipeline.pools();
        if (pipeline.responder() == null) {
            return CompletableFuture.completedFuture(PoolSnapshot.EMPTY);
        }
        if (s.exactAt(context.clock().now())) {
            return CompletableFuture.completedFuture(s);
        }
        CompletableFuture<PoolSnapshot> f = new CompletableFuture<>();
        CompletableFuture<PoolSnapshot> pending = refreshing.compareAndExchange(null, f);
        if (pending != null) {
            return pending;
        }
        onLoop(f, () -> {
            refreshing.compareAndSet(f, null);
            sweep();
            f.complete(pipeline.pools());
        });
        f.whenComplete((x, e) -> refreshing.compareAndSet(f, null));
        return f;
    }

    /** Runs a task on the transport's loop; a loop that no longer takes tasks (shutdown) fails the future. */
    private void onLoop(CompletableFuture<?> future, Runnable task) {
        try {
            transport.execute(task);
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new IllegalStateException("dhcp is stopping"));
        }
    }
}
