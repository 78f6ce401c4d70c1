package org.sparetire.dhcp;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.event.LeaseEvent;
import org.sparetire.core.event.ServiceWarning;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.lease.DhcpResponder;
import org.sparetire.dhcp.lease.Ingress;
import org.sparetire.dhcp.lease.Lease;
import org.sparetire.dhcp.lease.PoolSnapshot;
import org.sparetire.dhcp.lease.Step;
import org.sparetire.dhcp.store.LeaseStore;
import org.sparetire.dhcp.store.LeaseStoreUnavailable;
import org.sparetire.dhcp.transport.DhcpTransport;

/**
 * The reply pipeline. The responder and its lease table are touched only on the transport's single event
 * loop; each request runs as a {@link RequestFlow}. A reply that depends on a lease waits in the batch of
 * its read burst, and leaves once the store's own thread has made the lease durable and, with a shared
 * store, granted the claim on its address (group commit).
 *
 * <p>Other threads never wait for the loop: they read the {@link PoolSnapshot} published at the end of
 * every change (before the ACK of a committed lease leaves) and the counters.
 */
final class ReplyPipeline implements DhcpTransport.RequestHandler {
    private static final Logger log = LoggerFactory.getLogger(DhcpService.class);
    /**
     * Leases a shared store may have queued before new DISCOVERs are left unanswered: past it, a database
     * that cannot keep up would queue OFFERs until they are too late to matter, and the REQUESTs behind
     * them too. REQUESTs are always taken, so clients already offered an address complete.
     */
    private static final int STORE_BACKLOG = 1024;
    /**
     * A shared store is behind when the oldest commit it has not answered was handed to it longer ago
     * than this: new DISCOVERs then go unanswered until it has caught up (clients retry after seconds; an
     * OFFER that late is lost anyway). Its age, not a time per lease: a group commit takes about as long
     * for one lease as for hundreds.
     */
    private static final long STORE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final DhcpTransport transport;
    private final ServiceContext context;
    private final PingCheck ping = new PingCheck();
    private volatile DhcpResponder responder;
    private volatile LeaseStore store;
    private volatile boolean accepting;
    private volatile PoolSnapshot pools = PoolSnapshot.EMPTY;
    /** Flows whose leases are not queued for the store yet; handed to it at the end of each read burst. */
    private final List<RequestFlow> pending = new ArrayList<>();
    /** Leases handed to the store and not answered yet, and when each unanswered commit was handed over; event-loop confined. */
    private int inStore;
    private final ArrayDeque<Long> commitsInStore = new ArrayDeque<>();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong acks = new AtomicLong();
    final AtomicLong withheld = new AtomicLong();
    final AtomicLong storeBusy = new AtomicLong();

    ReplyPipeline(DhcpTransport transport, ServiceContext context) {
        this.transport = transport;
        this.context = context;
    }

    /** Starts answering with this responder and store. */
    void serve(DhcpResponder r, LeaseStore s) {
        responder = r;
        store = s;
        pools = r.table().poolSnapshot();
        accepting = true;
    }

    DhcpResponder responder() {
        return responder;
    }

    LeaseStore store() {
        return store;
    }

    boolean serving() {
        return accepting && responder != null;
    }

    Instant now() {
        return context.clock().now();
    }

    PingCheck ping() {
        return ping;
    }

    ServiceContext context() {
        return context;
    }

    DhcpTransport transport() {
        return transport;
    }

    PoolSnapshot pools() {
        return pools;
    }

    @Override
    public void onRequest(DhcpMessage request, Ingress ingress, DhcpTransport.Endpoint endpoint) {
        LeaseStore j = store;
        if (!accepting || responder == null || j == null) {
            return;
        }
        requests.incrementAndGet();
        boolean behind = inStore > STORE_BACKLOG
                || !commitsInStore.isEmpty() && System.nanoTime() - commitsInStore.peekFirst() > STORE_WAIT_NANOS;
        if (behind && j.shared() && request.type().filter(t -> t == MessageType.DISCOVER).isPresent()) {
            storeBusy.incrementAndGet();
            return;
        }
        new RequestFlow(this, request, ingress, endpoint).decide();
    }

    @Override
    public void onBatchEnd() {
        commit();
        publish();
    }

    /** Runs a task on the event loop. */
    void onLoop(Runnable task) {
        transport.execute(task);
    }

    /** Makes the table's current fill visible to other threads; on the event loop, at the end of each change. */
    void publish() {
        DhcpResponder r = responder;
        if (r != null) {
            pools = r.table().poolSnapshot();
        }
    }

    /** An address answered a ping: quarantined, said in the log and on the dashboard. */
    void inUse(InetAddress address, String iface) {
        DhcpResponder r = responder;
        r.quarantine(address, now());
        String msg = address.getHostAddress() + " answered a ping on " + iface
                + ": a host uses it without a lease; quarantined for " + r.config().declineQuarantine();
        log.warn("dhcp {}", msg);
        context.events().publish(new ServiceWarning(now(), "dhcp", msg));
    }

    /**
     * The leases a reply depends on: those to make durable, and with a shared store also the offered one,
     * whose address must be claimed before the OFFER leaves (the journal need not write offers: only this
     * server hands out its addresses).
     */
    List<Lease> leasesOf(Step step, DhcpMessage request) {
        LeaseStore j = store;
        DhcpResponder r = responder;
        if (j == null || r == null) {
            return List.of();
        }
        if (!step.durable().isEmpty() || !j.shared() || !step.sends()
                || step.reply().type().filter(t -> t == MessageType.OFFER).isEmpty()) {
            return step.durable();
        }
        InetAddress offered = step.reply().yiaddr();
        return r.table().ofClient(request.clientKey()).filter(l -> l.address().equals(offered)).map(List::of)
                .orElse(List.of());
    }

    /** The flow's reply waits for the commit at the end of this read burst. */
    void await(RequestFlow flow) {
        pending.add(flow);
    }

    /**
     * Group commit: the leases changed by the burst of requests just read go to the store's writer, and
     * their replies leave once that thread has written and fdatasynced them. The event loop never waits
     * for the disk, so requests keep being read and OFFERs keep leaving during a sync; bursts that queue
     * up while one sync runs share the next one.
     */
    void commit() {
        if (pending.isEmpty()) {
            return;
        }
        List<RequestFlow> batch = new ArrayList<>(pending);
        pending.clear();
        LeaseStore j = store;
        if (j == null) {
            withhold(batch, new IOException("lease journal is closed"));
            return;
        }
        List<Lease> leases = new ArrayList<>();
        batch.forEach(f -> leases.addAll(f.leases()));
        boolean firstTry = batch.stream().allMatch(RequestFlow::firstTry);
        inStore += leases.size();
        Long started = System.nanoTime();
        commitsInStore.addLast(started);
        j.commit(leases, firstTry).whenComplete((done, error) -> transport.execute(() -> {
            inStore -= leases.size();
            commitsInStore.remove(started);
            if (error != null) {
                withhold(batch, error);
                return;
            }
            publish(); // the table as these ACKs promise it, before any of them leaves
            committed(batch, done);
            publish(); // leases a shared store refused, learned while deciding again
        }));
    }

    /** Sends the replies whose leases the store took; a flow whose lease was refused decides again. */
    private void committed(List<RequestFlow> batch, LeaseStore.Commit done) {
        int offset = 0;
        boolean again = false;
        for (RequestFlow f : batch) {
            List<Lease> truth = new ArrayList<>();
            for (int i = 0; i < f.leases().size(); i++) {
                truth.addAll(done.refused().getOrDefault(offset + i, List.of()));
            }
            offset += f.leases().size();
            if (truth.isEmpty()) {
                f.committed();
            } else if (serving()) {
                again |= f.refused(truth);
            }
        }
        if (again) {
            commit();
        }
    }

    private void withhold(List<RequestFlow> batch, Throwable cause) {
        withheld.addAndGet(batch.size());
        if (cause instanceof LeaseStoreUnavailable || cause.getCause() instanceof LeaseStoreUnavailable) {
            // The store logged the outage once; a line per withheld burst would bury it.
            log.debug("dhcp withholding {} replies (first mac={}): {}", batch.size(), batch.get(0).mac(), cause.toString());
            return;
        }
        log.error("dhcp withholding {} replies (first mac={}): leases not on disk ({})", batch.size(),
                batch.get(0).mac(), cause.toString());
    }

    void finish(Step step, DhcpTransport.Endpoint endpoint) {
        // Announced before the reply leaves, so no view can lag behind what the client was told.
        for (LeaseEvent e : step.events()) {
            context.events().publish(e);
        }
        if (step.sends()) {
            endpoint.send(step.reply(), step.maxLength(), step.destination());
            if (step.reply().type().map(t -> t == MessageType.ACK).orElse(false)) {
                acks.incrementAndGet();
            }
        }
        if (log.isInfoEnabled()) {
            log.info("dhcp {}", step.log());
        }
    }

    /**
     * A reload's new responder takes the table over on the event loop, between two requests, so nothing in
     * flight is lost; a new store, if any, takes over there too. Completes with the store it replaced (to be
     * closed off the loop), or null.
     */
    CompletableFuture<LeaseStore> swap(DhcpResponder next, LeaseStore newStore) {
        CompletableFuture<LeaseStore> swapped = new CompletableFuture<>();
        transport.execute(() -> {
            for (Lease l : responder.table().all()) {
                next.table().record(l);
            }
            LeaseStore previous = store;
            responder = next;
            publish();
            if (newStore != null) {
                newStore.compact(next.table().all());
                store = newStore;
            }
            swapped.complete(newStore != null ? previous : null);
        });
        return swapped;
    }

    /** No new requests from here on; {@code forGood} also ends the pings (a stop, not a reload). */
    void stopAccepting(boolean forGood) {
        accepting = false;
        if (forGood) {
            ping.close();
        }
    }

    /** What the event loop still holds is committed (its replies queued before the sockets close). */
    CompletableFuture<Void> drain() {
        CompletableFuture<Void> drained = new CompletableFuture<>();
        transport.execute(() -> {
            commit();
            drained.complete(null);
        });
        return drained;
    }

    /** After a stop: nothing served, an empty snapshot. */
    void clear() {
        store = null;
        responder = null;
        pools = PoolSnapshot.EMPTY;
    }
}
