package org.sparetire.dhcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.config.ConfigText;
import org.sparetire.core.event.LeaseEvent;
import org.sparetire.core.event.LeaseEventKind;
import org.sparetire.core.event.ServiceWarning;
import org.sparetire.core.lifecycle.AbstractService;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.lifecycle.ServiceState;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.lease.DhcpResponder;
import org.sparetire.dhcp.lease.Ingress;
import org.sparetire.dhcp.lease.Lease;
import org.sparetire.dhcp.lease.LeaseTable;
import org.sparetire.dhcp.lease.PoolSnapshot;
import org.sparetire.dhcp.lease.Step;
import org.sparetire.dhcp.store.LeaseJournal;
import org.sparetire.dhcp.store.LeaseStore;
import org.sparetire.dhcp.store.LeaseStoreUnavailable;
import org.sparetire.dhcp.store.PostgresLeaseStore;
import org.sparetire.dhcp.transport.DhcpTransport;
import org.sparetire.dhcp.transport.RogueServerProbe;

/**
 * The DHCP service: sockets per interface, the RFC 2131 responder, and the lease store (the journal, or a
 * database shared with other servers). The responder and lease table are touched only on the transport's
 * single event loop; each reply that depends on a lease leaves once the store's own thread has made the
 * lease durable, and, with a shared store, once the store has granted the claim on its address.
 *
 * <p>Other threads never wait for that loop. They read {@link #pools()}, an immutable snapshot the loop
 * publishes at the end of every change (before the ACK of a committed lease leaves), and ask for the rest
 * ({@link #leases()}, {@link #release}) with futures the loop completes.
 */
public final class DhcpService extends AbstractService<DhcpConfig> {
    private static final Logger log = LoggerFactory.getLogger(DhcpService.class);
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(10);
    private static final int MAX_PINGS = 4;
    /** A request is decided again at most this many times after the shared store refused its lease. */
    private static final int MAX_CLAIMS = 4;
    /**
     * Leases a shared store may have queued before new DISCOVERs are left unanswered: past it, a database
     * that cannot keep up would queue OFFERs until they are too late to matter, and the REQUESTs behind
     * them too. REQUESTs are always taken, so clients already offered an address complete.
     */
    private static final int STORE_BACKLOG = 1024;
    /**
     * A shared store is behind when what waits for it would take longer than this, at the time per lease
     * its last commit took (Little's law): new DISCOVERs then go unanswered until it has caught up
     * (clients retry after seconds; an OFFER that late is lost anyway).
     */
    private static final long STORE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** At most one dashboard warning per this period while a flood lasts (the log has a line per sweep). */
    private static final Duration DROP_WARNING_EVERY = Duration.ofMinutes(1);

    private final ServiceContext context;
    private final DhcpTransport transport;
    private volatile DhcpResponder responder;
    private volatile LeaseStore journal;
    private final List<DhcpTransport.Endpoint> endpoints = new ArrayList<>();
    /** The endpoints for {@link #health()}, replaced whole, so health never waits for a start or reload. */
    private volatile List<DhcpTransport.Endpoint> endpointView = List.of();
    private volatile PoolSnapshot pools = PoolSnapshot.EMPTY;
    /** The one sweep that readers of an out-of-date snapshot are waiting for, if any. */
    private final AtomicReference<CompletableFuture<PoolSnapshot>> refreshing = new AtomicReference<>();
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong withheld = new AtomicLong();
    private final AtomicLong storeBusy = new AtomicLong();
    /** Leases handed to the store and not answered yet, and its last commit's time per lease; event-loop confined. */
    private int inStore;
    private long nanosPerLease;
    private volatile boolean accepting;
    /** Flood drops already reported, and when the last warning went out; touched only by the sweep. */
    private DhcpTransport.Dropped reportedDrops = new DhcpTransport.Dropped(0, 0, 0);
    private Instant lastDropWarning = Instant.MIN;
    /** Replies whose leases are not queued for the disk yet; event-loop confined, handed to the journal at the end of each read burst. */
    private final List<Pending> pending = new ArrayList<>();
    private final DhcpTransport.RequestHandler handler = new DhcpTransport.RequestHandler() {
        @Override
        public void onRequest(DhcpMessage request, Ingress ingress, DhcpTransport.Endpoint endpoint) {
            DhcpService.this.onRequest(request, ingress, endpoint);
        }

        @Override
        public void onBatchEnd() {
            commit();
            publish();
        }
    };

    /** A reply waiting for its leases; the request is kept to decide again when a shared store refuses them. */
    private record Pending(Step step, List<Lease> leases, DhcpTransport.Endpoint endpoint, DhcpMessage request,
                           Ingress ingress, int attempt) {
        String mac() {
            return request.mac();
        }
    }
    /** Pings block for up to ping-timeout; they run here, never on the event loop. */
    private final java.util.concurrent.ExecutorService pinger = java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "dhcp-ping");
        t.setDaemon(true);
        return t;
    });

    public DhcpService(DhcpConfig config, ServiceContext context) {
        super(config);
        this.context = Objects.requireNonNull(context);
        this.transport = new DhcpTransport(context.net());
    }

    @Override
    public String name() {
        return "dhcp";
    }

    @Override
    protected void startUp(DhcpConfig config) throws ServiceStartException {
        if (config.enabled()) {
            startEnabled(config);
        }
    }

    private void startEnabled(DhcpConfig c) throws ServiceStartException {
        List<LocalInterfaces.Ipv4> ifaces = resolve(c);
        checkForOtherServers(c, ifaces);
        LeaseStore j = openStore(c);
        DhcpResponder r = new DhcpResponder(c, DhcpResponder.tableFor(c));
        restore(r.table(), j.restored());
        List<DhcpTransport.Endpoint> bound = new ArrayList<>();
        try {
            bindAll(c, ifaces, bound);
        } catch (ServiceStartException e) {
            bound.forEach(DhcpTransport.Endpoint::close);
            j.close(grace());
            throw e;
        }
        responder = r;
        journal = j;
        endpoints.addAll(bound);
        endpointView = List.copyOf(endpoints);
        pools = r.table().poolSnapshot();
        accepting = true;
        startTimers(c);
        log.info("dhcp serving mode={} interfaces={} leases-restored={} {}", c.mode().name().toLowerCase(),
                c.interfaces(), j.restored().size(), c.leaseStore().type() == DhcpConfig.StoreType.JOURNAL
                        ? "journal=" + c.leaseFile() : "lease-store=postgresql " + c.leaseStore().url());
    }

    private List<LocalInterfaces.Ipv4> resolve(DhcpConfig c) throws ServiceStartException {
        List<LocalInterfaces.Ipv4> out = new ArrayList<>();
        List<String> defaultRoute = LocalInterfaces.defaultRouteInterfaces();
        for (String name : c.interfaces()) {
            if (!LocalInterfaces.exists(name)) {
                throw new ServiceStartException("interface " + name + " does not exist (dhcp.interfaces)");
            }
            LocalInterfaces.Ipv4 ip = LocalInterfaces.ipv4(name).orElseThrow(() -> new ServiceStartException(
                    "interface " + name + " has no IPv4 address: give it one, or remove it from dhcp.interfaces"));
            if (c.mode() == DhcpConfig.Mode.SERVER && c.subnetFor(ip.address()).isEmpty()) {
                log.warn("dhcp: interface {} ({}) is in none of dhcp.subnets; only relayed requests are served there",
                        name, ip.network());
            }
            if (defaultRoute.contains(name) && c.mode() == DhcpConfig.Mode.SERVER) {
                // Configured on purpose, so not refused (quick mode refuses it); but say it loudly.
                String msg = "interface " + name + " carries the default route: leases handed out there reach "
                        + "whatever network it joins (use a dedicated interface, or dhcp.mode: proxy)";
                log.warn("dhcp: {}", msg);
                context.events().publish(new ServiceWarning(context.clock().now(), "dhcp", msg));
            }
            out.add(ip);
        }
        return out;
    }

    private void checkForOtherServers(DhcpConfig c, List<LocalInterfaces.Ipv4> ifaces) throws ServiceStartException {
        if (c.rogueCheck() == DhcpConfig.RogueCheck.OFF || !transport.canBindToDevice()) {
            return;
        }
        RogueServerProbe probe = new RogueServerProbe(transport);
        int serverPort = c.port() == 0 ? 67 : c.port();
        for (RogueServerProbe.Answer a : probe.probe(ifaces, c.clientPort(), serverPort, c.rogueWait())) {
            String msg = "another DHCP server answers on " + a.iface() + ": " + a.serverId().getHostAddress()
                    + " (from " + a.from().getAddress().getHostAddress() + ")"
                    + (c.mode() == DhcpConfig.Mode.SERVER ? "; two servers hand out conflicting leases, "
                    + "use dhcp.mode: proxy to only add boot information" : "");
            log.warn("dhcp: {}", msg);
            context.events().publish(new ServiceWarning(context.clock().now(), "dhcp", msg));
            if (c.rogueCheck() == DhcpConfig.RogueCheck.REFUSE && c.mode() == DhcpConfig.Mode.SERVER) {
                throw new ServiceStartException(msg + " (refusing to start: dhcp.rogue-check.action is refuse)");
            }
        }
    }

    private LeaseStore openStore(DhcpConfig c) throws ServiceStartException {
        if (c.leaseStore().type() == DhcpConfig.StoreType.POSTGRESQL) {
            try {
                return PostgresLeaseStore.open(c.leaseStore(), context.clock()::now, (up, msg) ->
                        context.events().publish(new ServiceWarning(context.clock().now(), "dhcp", msg)));
            } catch (IOException e) {
                throw new ServiceStartException("cannot read " + c.leaseStore().passwordFile() + ": " + e.getMessage()
                        + " (dhcp.lease-store.password-file)", e);
            }
        }
        try {
            LeaseJournal j = LeaseJournal.open(c.leaseFile());
            if (j.loaded().badLines() > 0) {
                log.warn("dhcp lease journal {}: skipped {} unreadable lines", c.leaseFile(), j.loaded().badLines());
            }
            return j;
        } catch (IOException e) {
            throw new ServiceStartException("cannot open lease file " + c.leaseFile() + ": " + e.getMessage()
                    + " (dhcp.lease-file)", e);
        }
    }

    private void restore(LeaseTable table, List<Lease> leases) {
        for (Lease l : leases) {
            table.record(l);
        }
        table.sweep(context.clock().now());
    }

    private void bindAll(DhcpConfig c, List<LocalInterfaces.Ipv4> ifaces, List<DhcpTransport.Endpoint> out)
            throws ServiceStartException {
        int port = c.port();
        int proxyPort = c.proxyPort();
        for (LocalInterfaces.Ipv4 iface : ifaces) {
            DhcpTransport.Endpoint ep = transport.bind(iface, port, false, "dhcp.port", handler);
            out.add(ep);
            port = ep.port(); // port 0: every interface shares the port the first one got
            if (c.mode() == DhcpConfig.Mode.PROXY) {
                DhcpTransport.Endpoint boot = transport.bind(iface, proxyPort, true, "dhcp.proxy-port", handler);
                out.add(boot);
                proxyPort = boot.port();
            }
        }
    }

    private void startTimers(DhcpConfig c) {
        timers.add(transport.every(SWEEP_EVERY, this::sweep));
        timers.add(transport.every(c.compactEvery(), this::compact));
    }

    private void sweep() {
        DhcpResponder r = responder;
        LeaseStore j = journal;
        if (r == null || j == null) {
            return;
        }
        reportDrops();
        learnFromOthers(r, j);
        List<Lease> expired = r.onTimeout(context.clock().now());
        publish();
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
                    if (responder == r) {
                        rows.forEach(r.table()::record);
                        publish();
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

    /** Whether the lease store takes writes now; empty while DHCP is not serving. */
    public Optional<Boolean> leaseStoreReachable() {
        LeaseStore j = journal;
        return j == null ? Optional.empty() : Optional.of(j.reachable());
    }

    /** Requests and replies given up under a flood since start, for the metrics. */
    public DhcpTransport.Dropped dropped() {
        return transport.dropped();
    }

    /**
     * Ends the lease a MAC holds now, as if the client had released it: journalled, logged and announced
     * on the event stream. Runs on the transport's thread like every other change to the table; the
     * caller gets a future and never waits for that thread.
     *
     * @return completes with true once a bound lease was released and its end is on disk, false when the
     *         MAC holds no bound lease; exceptionally when the service is not serving or the disk failed
     */
    public CompletableFuture<Boolean> release(String mac) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        DhcpResponder r = responder;
        LeaseStore j = journal;
        if (r == null || j == null) {
            done.completeExceptionally(new IllegalStateException("dhcp is not serving"));
            return done;
        }
        onLoop(done, () -> {
            Instant now = context.clock().now();
            Optional<Lease> released = r.releaseByOperator(mac, now);
            publish();
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

    /** Runs a task on the transport's loop; a loop that no longer takes tasks (shutdown) fails the future. */
    private void onLoop(CompletableFuture<?> future, Runnable task) {
        try {
            transport.execute(task);
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new IllegalStateException("dhcp is stopping"));
        }
    }

    /** Makes the table's current fill visible to other threads; on the event loop, at the end of each change. */
    private void publish() {
        DhcpResponder r = responder;
        if (r != null) {
            pools = r.table().poolSnapshot();
        }
    }

    /**
     * How full each range is, exactly: the published snapshot when no counted lease can have run out
     * since, else the snapshot after a sweep on the event loop (one sweep serves every reader that asks
     * meanwhile). Never blocks.
     */
    public CompletableFuture<PoolSnapshot> pools() {
        PoolSnapshot s = pools;
        if (responder == null) {
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
            f.complete(pools);
        });
        f.whenComplete((x, e) -> refreshing.compareAndSet(f, null));
        return f;
    }

    private void compact() {
        DhcpResponder r = responder;
        LeaseStore j = journal;
        if (r != null && j != null) {
            j.compact(r.table().all());
        }
    }

    /** On the event loop. */
    private void onRequest(DhcpMessage request, Ingress ingress, DhcpTransport.Endpoint endpoint) {
        if (!accepting || responder == null || journal == null) {
            return;
        }
        requests.incrementAndGet();
        LeaseStore j = journal;
        boolean behind = inStore > STORE_BACKLOG || (long) inStore * nanosPerLease > STORE_WAIT_NANOS;
        if (j != null && behind && j.shared()
                && request.type().filter(t -> t == org.sparetire.dhcp.codec.MessageType.DISCOVER).isPresent()) {
            storeBusy.incrementAndGet();
            return;
        }
        respond(request, ingress, endpoint, 0, 0);
    }

    private void respond(DhcpMessage request, Ingress ingress, DhcpTransport.Endpoint endpoint, int pings, int attempt) {
        DhcpResponder r = responder;
        LeaseStore j = journal;
        if (r == null || j == null) {
            return;
        }
        Step step;
        try {
            step = r.onPacket(request, ingress, context.clock().now());
        } catch (RuntimeException e) {
            log.warn("dhcp request from {} mac={} could not be handled: {}", ingress.source(), request.mac(), e.toString());
            return;
        }
        if (step.probe() != null) {
            if (pings >= MAX_PINGS) {
                log.warn("dhcp no offer for mac={}: {} addresses in a row answered a ping", request.mac(), pings);
                return;
            }
            ping(step, request, ingress, endpoint, pings, attempt);
            return;
        }
        List<Lease> leases = leasesOf(step, request, r, j);
        if (!step.sends() && leases.isEmpty()) {
            if (log.isDebugEnabled()) {
                log.debug("dhcp drop iface={} peer={}: {}", ingress.interfaceName(), ingress.source(), step.log());
            }
            return;
        }
        if (leases.isEmpty()) {
            finish(step, endpoint);
            return;
        }
        pending.add(new Pending(step, leases, endpoint, request, ingress, attempt));
    }

    /**
     * The leases a reply depends on: those to make durable, and with a shared store also the offered one,
     * whose address must be claimed before the OFFER leaves (the journal need not write offers: only this
     * server hands out its addresses).
     */
    private static List<Lease> leasesOf(Step step, DhcpMessage request, DhcpResponder r, LeaseStore j) {
        if (!step.durable().isEmpty() || !j.shared() || !step.sends()
                || step.reply().type().filter(t -> t == org.sparetire.dhcp.codec.MessageType.OFFER).isEmpty()) {
            return step.durable();
        }
        InetAddress offered = step.reply().yiaddr();
        return r.table().ofClient(request.clientKey()).filter(l -> l.address().equals(offered)).map(List::of)
                .orElse(List.of());
    }

    /**
     * Group commit: the leases changed by the burst of requests just read go to the journal's writer, and
     * their replies leave once that thread has written and fdatasynced them. The event loop never waits
     * for the disk, so requests keep being read and OFFERs keep leaving during a sync; bursts that queue
     * up while one sync runs share the next one.
     */
    private void commit() {
        if (pending.isEmpty()) {
            return;
        }
        List<Pending> batch = new ArrayList<>(pending);
        pending.clear();
        LeaseStore j = journal;
        if (j == null) {
            withhold(batch, new IOException("lease journal is closed"));
            return;
        }
        List<Lease> leases = new ArrayList<>();
        batch.forEach(p -> leases.addAll(p.leases()));
        boolean firstTry = batch.stream().allMatch(p -> p.attempt() == 0);
        inStore += leases.size();
        long started = System.nanoTime();
        j.commit(leases, firstTry).whenComplete((done, error) -> transport.execute(() -> {
            inStore -= leases.size();
            nanosPerLease = (System.nanoTime() - started) / leases.size();
            if (error != null) {
                withhold(batch, error);
                return;
            }
            publish(); // the table as these ACKs promise it, before any of them leaves
            committed(batch, done);
            publish(); // leases a shared store refused, learned while deciding again
        }));
    }

    /**
     * Sends the replies whose leases the store took. A lease a shared store refused comes back with the
     * lease that stands in its way: the table learns it and the request is decided again (another
     * address, the client's own one elsewhere, or a NAK), its reply waiting for the next claim.
     */
    private void committed(List<Pending> batch, LeaseStore.Commit done) {
        int offset = 0;
        DhcpResponder r = responder;
        boolean again = false;
        for (Pending p : batch) {
            List<Lease> truth = new ArrayList<>();
            for (int i = 0; i < p.leases().size(); i++) {
                truth.addAll(done.refused().getOrDefault(offset + i, List.of()));
            }
            offset += p.leases().size();
            if (truth.isEmpty()) {
                finish(p.step(), p.endpoint());
            } else if (r == null || !accepting) {
                continue;
            } else if (p.attempt() + 1 >= MAX_CLAIMS) {
                log.warn("dhcp no reply to mac={}: the shared lease store refused {} addresses in a row (last {} held by {})",
                        p.mac(), MAX_CLAIMS, truth.get(0).address().getHostAddress(), truth.get(0).mac());
            } else {
                truth.forEach(r.table()::record);
                respond(p.request(), p.ingress(), p.endpoint(), 0, p.attempt() + 1);
                again = true;
            }
        }
        if (again) {
            commit();
        }
    }

    private void withhold(List<Pending> batch, Throwable cause) {
        withheld.addAndGet(batch.size());
        if (cause instanceof LeaseStoreUnavailable || cause.getCause() instanceof LeaseStoreUnavailable) {
            // The store logged the outage once; a line per withheld burst would bury it.
            log.debug("dhcp withholding {} replies (first mac={}): {}", batch.size(), batch.get(0).mac(), cause.toString());
            return;
        }
        log.error("dhcp withholding {} replies (first mac={}): leases not on disk ({})", batch.size(),
                batch.get(0).mac(), cause.toString());
    }

    /**
     * Ping check (RFC 2131 section 4.4.1 suggests probing an address before offering it): off the event
     * loop, through the ingress interface; an answer quarantines the address and the DISCOVER is answered
     * again with the next one.
     */
    private void ping(Step step, DhcpMessage request, Ingress ingress, DhcpTransport.Endpoint endpoint, int pings,
                      int attempt) {
        Duration timeout = config().pingTimeout();
        pinger.execute(() -> {
            boolean answered = false;
            try {
                java.net.NetworkInterface nif = java.net.NetworkInterface.getByName(ingress.interfaceName());
                answered = step.probe().isReachable(nif, 0, (int) timeout.toMillis());
            } catch (IOException e) {
                log.debug("dhcp ping {} failed: {}", step.probe().getHostAddress(), e.toString());
            }
            boolean inUse = answered;
            transport.execute(() -> {
                DhcpResponder r = responder;
                if (!accepting || r == null) {
                    return;
                }
                if (inUse) {
                    r.quarantine(step.probe(), context.clock().now());
                    String msg = step.probe().getHostAddress() + " answered a ping on " + ingress.interfaceName()
                            + ": a host uses it without a lease; quarantined for " + config().declineQuarantine();
                    log.warn("dhcp {}", msg);
                    context.events().publish(new ServiceWarning(context.clock().now(), "dhcp", msg));
                    respond(request, ingress, endpoint, pings + 1, attempt);
                    commit();
                    publish();
                } else {
                    // The probe went out before the claim: with a shared store the offer still waits for it.
                    LeaseStore store = journal;
                    List<Lease> leases = store == null ? List.of() : leasesOf(step, request, r, store);
                    if (leases.isEmpty()) {
                        finish(step, endpoint);
                    } else {
                        pending.add(new Pending(step, leases, endpoint, request, ingress, attempt));
                        commit();
                    }
                }
            });
        });
    }

    private void finish(Step step, DhcpTransport.Endpoint endpoint) {
        // Announced before the reply leaves, so no view can lag behind what the client was told.
        for (LeaseEvent e : step.events()) {
            context.events().publish(e);
        }
        if (step.sends()) {
            endpoint.send(step.reply(), step.maxLength(), step.destination());
            if (step.reply().type().map(t -> t == org.sparetire.dhcp.codec.MessageType.ACK).orElse(false)) {
                acks.incrementAndGet();
            }
        }
        if (log.isInfoEnabled()) {
            log.info("dhcp {}", step.log());
        }
    }

    @Override
    protected void apply(DhcpConfig old, DhcpConfig newConfig) throws ServiceStartException {
        if (!newConfig.enabled()) {
            shutdown(grace());
            log.info("dhcp disabled by reload");
            return;
        }
        if (!old.enabled() || responder == null) {
            startEnabled(newConfig);
            return;
        }
        List<LocalInterfaces.Ipv4> ifaces = resolve(newConfig);
        boolean socketsChange = !old.interfaces().equals(newConfig.interfaces()) || old.port() != newConfig.port()
                || old.proxyPort() != newConfig.proxyPort() || old.mode() != newConfig.mode();
        List<DhcpTransport.Endpoint> fresh = new ArrayList<>();
        List<DhcpTransport.Endpoint> retired = new ArrayList<>();
        if (socketsChange) {
            List<DhcpTransport.Endpoint> keep = new ArrayList<>();
            try {
                for (LocalInterfaces.Ipv4 iface : ifaces) {
                    boolean same = old.interfaces().contains(iface.name()) && old.port() == newConfig.port()
                            && old.proxyPort() == newConfig.proxyPort() && old.mode() == newConfig.mode();
                    if (same) {
                        endpoints.stream().filter(e -> e.iface().name().equals(iface.name())).forEach(keep::add);
                    } else {
                        List<DhcpTransport.Endpoint> one = new ArrayList<>();
                        bindAll(newConfig, List.of(iface), one);
                        fresh.addAll(one);
                    }
                }
            } catch (ServiceStartException e) {
                fresh.forEach(DhcpTransport.Endpoint::close);
                throw e;
            }
            endpoints.stream().filter(e -> !keep.contains(e)).forEach(retired::add);
            endpoints.clear();
            endpoints.addAll(keep);
            endpoints.addAll(fresh);
            endpointView = List.copyOf(endpoints);
        }
        LeaseStore newJournal = null;
        if (!old.leaseFile().equals(newConfig.leaseFile()) || !old.leaseStore().equals(newConfig.leaseStore())) {
            newJournal = openStore(newConfig);
        }
        LeaseStore switchTo = newJournal;
        DhcpResponder next = new DhcpResponder(newConfig, DhcpResponder.tableFor(newConfig));
        CompletableFuture<LeaseStore> swapped = new CompletableFuture<>();
        // The table moves to the new responder on the event loop, between two requests: nothing in flight is lost.
        transport.execute(() -> {
            for (Lease l : responder.table().all()) {
                next.table().record(l);
            }
            LeaseStore previous = journal;
            responder = next;
            publish();
            if (switchTo != null) {
                switchTo.compact(next.table().all());
                journal = switchTo;
            }
            swapped.complete(switchTo != null ? previous : null);
        });
        try {
            // Here, on the lifecycle thread: closing waits for the old store's queue, never on the event loop.
            LeaseStore retiredStore = swapped.get(10, TimeUnit.SECONDS);
            if (retiredStore != null) {
                retiredStore.close(grace());
            }
        } catch (Exception e) {
            throw new ServiceStartException("dhcp reload did not complete: " + e);
        }
        retired.forEach(DhcpTransport.Endpoint::close);
        timers.forEach(t -> t.cancel(false));
        timers.clear();
        startTimers(newConfig);
        log.info("dhcp reconfigured interfaces={} rebound={}", newConfig.interfaces(), fresh.size());
    }

    @Override
    protected void shutDown(Duration grace) {
        shutdown(grace);
    }

    private void shutdown(Duration grace) {
        accepting = false; // no new requests from here on
        if (state() == ServiceState.STOPPING) {
            pinger.shutdownNow();
        }
        timers.forEach(t -> t.cancel(false));
        timers.clear();
        LeaseStore j = journal;
        if (j != null) {
            // In-flight ACKs: whatever the event loop still holds is committed and sent (queued before the
            // sockets' close below), and the journal's own queue is written within the grace period.
            CompletableFuture<Void> drained = new CompletableFuture<>();
            transport.execute(() -> {
                commit();
                drained.complete(null);
            });
            try {
                drained.get(Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.warn("dhcp stop: in-flight replies not committed within {}", ConfigText.duration(grace));
            }
            j.close(grace);
        }
        endpoints.forEach(DhcpTransport.Endpoint::close);
        endpoints.clear();
        endpointView = List.of();
        journal = null;
        responder = null;
        pools = PoolSnapshot.EMPTY;
    }

    @Override
    public ServiceHealth health() {
        List<ServiceHealth.Endpoint> eps = new ArrayList<>();
        for (DhcpTransport.Endpoint e : endpointView) {
            InetSocketAddress a = e.address();
            eps.add(new ServiceHealth.Endpoint("udp", e.bootServerPort() ? "proxy-dhcp" : "dhcp", a));
        }
        String detail;
        DhcpConfig config = config();
        ServiceState state = state();
        if (state == ServiceState.FAILED) {
            detail = failure();
        } else if (!config.enabled()) {
            detail = "disabled (dhcp.enabled: false)";
        } else {
            detail = "mode=" + config.mode().name().toLowerCase() + " interfaces="
                    + config.interfaces().stream().collect(Collectors.joining(",")) + " requests=" + requests.get()
                    + " acks=" + acks.get() + (journal == null ? "" : " " + journal.status())
                    + (withheld.get() > 0 ? " withheld=" + withheld.get() : "")
                    + (storeBusy.get() > 0 ? " store-busy-dropped=" + storeBusy.get() : "")
                    + (transport.dropped().total() > 0 ? " flood-dropped=" + transport.dropped().total() : "");
        }
        return new ServiceHealth(state, eps, detail);
    }

    /**
     * Every lease the table holds (remembered ones included), copied on the event loop when asked: for
     * the dashboard's restore after a restart and for tests. The caller composes the future, never waits
     * on it from an event loop.
     */
    public CompletableFuture<List<Lease>> leases() {
        DhcpResponder r = responder;
        if (r == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        CompletableFuture<List<Lease>> f = new CompletableFuture<>();
        onLoop(f, () -> f.complete(List.copyOf(responder == null ? List.of() : responder.table().all())));
        return f;
    }
}
