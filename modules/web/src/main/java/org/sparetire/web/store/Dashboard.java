package org.sparetire.web.store;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.sparetire.core.event.Event;
import org.sparetire.core.event.LeaseEvent;
import org.sparetire.core.event.ServiceStateChanged;
import org.sparetire.core.event.ServiceWarning;
import org.sparetire.core.event.SyslogReceived;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.event.TransferProgress;
import org.sparetire.core.event.TransferStarted;
import org.sparetire.core.time.Clock;
import org.sparetire.web.WebConfig;

/**
 * Everything the dashboard knows, built only from the core events: live and recent transfers, the
 * latest lease per MAC, the syslog tail, service warnings and the per-device timelines. Every part is
 * bounded by {@link WebConfig.History}; views handed out are immutable copies.
 *
 * <p>Events arrive on the services' event-loop threads, which must never wait for a page view: {@link
 * #offer} only queues them (no lock), and the web's own thread applies the queue. Every query applies
 * what is queued first, so an answer reflects every event published before it was asked.
 */
public final class Dashboard {
    /** Events queued and not yet applied at most; past it, syslog lines and progress reports are skipped. */
    static final int MAX_QUEUED = 100_000;

    private final Clock clock;
    private final List<Consumer<Update>> listeners = new CopyOnWriteArrayList<>();

    private final TransferBoard transfers;
    private final LeaseBook leases;
    private final BoundedLog<SyslogLine> syslog;
    private final BoundedLog<ServiceWarning> warnings;
    private final Map<String, ServiceStateChanged> serviceStates = new TreeMap<>();
    private final AddressBook addresses;
    private final DeviceTimeline timeline;
    private final DeviceStory story;
    private long leaseEvents;
    private long syslogReceived;
    private WebConfig.History limits;
    private long seq;

    private final EventInbox inbox = new EventInbox(MAX_QUEUED);
    private final AtomicBoolean applyScheduled = new AtomicBoolean();
    /** Where queued events are applied; until the web's loop is given, on the publisher's thread. */
    private volatile Executor applier = Runnable::run;

    public Dashboard(WebConfig.History limits, Clock clock) {
        this.clock = clock;
        this.limits = limits;
        this.transfers = new TransferBoard(limits.transfers());
        this.syslog = new BoundedLog<>(limits.syslog());
        this.warnings = new BoundedLog<>(limits.warnings());
        this.addresses = new AddressBook(Math.max(limits.leases(), limits.devices()) * 2);
        this.timeline = new DeviceTimeline(limits.devices(), limits.perDevice());
        this.leases = new LeaseBook(addresses, limits.leases());
        this.story = new DeviceStory(addresses, timeline, () -> ++seq);
    }

    /** A change a live view should show; {@code view} is one of the view records or a core event. */
    public record Update(String topic, Object view) {
    }

    /** Totals since start, for the Overview page. */
    public record Totals(Map<TransferOutcome, Long> transfersByOutcome, long bytesSent, long bytesReceived,
                         long retransmits, long leaseEvents, long syslogReceived, long activeTransfers) {
    }

    /** Applies offered events on this executor from now on (the web's own event loop). */
    public void applyOn(Executor executor) {
        applier = executor;
    }

    /**
     * Takes an event from any thread without waiting: it is queued and applied on the web's loop. A flood
     * that outruns the loop by {@link #MAX_QUEUED} costs syslog lines and progress reports, never lease,
     * transfer or service events.
     */
    public void offer(Event event) {
        if (!inbox.offer(event)) {
            return;
        }
        if (applyScheduled.compareAndSet(false, true)) {
            try {
                applier.execute(this::applyQueued);
            } catch (RejectedExecutionException e) {
                applyScheduled.set(false); // shutting down: the next query applies the queue
            }
        }
    }

    private void applyQueued() {
        applyScheduled.set(false);
        synchronized (this) {
            applyQueuedLocked();
        }
    }

    private void applyQueuedLocked() {
        inbox.drainTo(this::accept);
    }

    public void addListener(Consumer<Update> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<Update> listener) {
        listeners.remove(listener);
    }

    /** New limits apply at once; shrinking forgets the oldest history. */
    public synchronized void resize(WebConfig.History newLimits) {
        applyQueuedLocked();
        limits = newLimits;
        transfers.resize(newLimits.transfers());
        syslog.resize(newLimits.syslog());
        warnings.resize(newLimits.warnings());
        timeline.resize(newLimits.devices(), newLimits.perDevice());
        leases.resize(newLimits.leases());
    }

    public synchronized WebConfig.History limits() {
        applyQueuedLocked();
        return limits;
    }

    public void accept(Event event) {
        List<Update> updates = new ArrayList<>(2);
        synchronized (this) {
            if (event instanceof TransferStarted e) {
                onStarted(e, updates);
            } else if (event instanceof TransferProgress e) {
                onProgress(e, updates);
            } else if (event instanceof TransferFinished e) {
                onFinished(e, updates);
            } else if (event instanceof LeaseEvent e) {
                onLease(e, updates);
            } else if (event instanceof SyslogReceived e) {
                onSyslog(e, updates);
            } else if (event instanceof ServiceWarning e) {
                warnings.add(e);
                updates.add(new Update("warning", e));
            } else if (event instanceof ServiceStateChanged e) {
                serviceStates.put(e.service(), e);
                updates.add(new Update("service", e));
            }
            deliver(updates);
        }
    }

    /** Called under the lock, so that every live view sees updates in the order they were made. */
    private void deliver(List<Update> updates) {
        for (Update u : updates) {
            for (Consumer<Update> l : listeners) {
                l.accept(u);
            }
        }
    }

    // ---- transfers -------------------------------------------------------------------------------

    private void onStarted(TransferStarted e, List<Update> updates) {
        if (e.peer() == null) {
            return;
        }
        String mac = story.holder(e.peer(), e.at());
        updates.add(new Update("transfer", transfers.started(e, mac)));
        story.transferStarted(e, mac, updates);
    }

    private void onProgress(TransferProgress e, List<Update> updates) {
        TransferView v = transfers.progress(e);
        if (v != null) {
            updates.add(new Update("transfer", v));
        }
    }

    private void onFinished(TransferFinished e, List<Update> updates) {
        TransferView v = transfers.end(e.transferId());
        if (e.peer() == null) {
            return;
        }
        String mac = v != null ? v.mac() : story.holder(e.peer(), e.at().minus(e.elapsed()));
        updates.add(new Update("transfer", transfers.finished(e, v, mac)));
        story.transferFinished(e, mac, updates);
    }

    // ---- leases ----------------------------------------------------------------------------------

    private void onLease(LeaseEvent e, List<Update> updates) {
        leaseEvents++;
        if (e.mac() == null || e.mac().isEmpty()) {
            return; // nothing to key it by; the metrics still count it
        }
        String mac = DeviceKeys.normaliseMac(e.mac());
        InetAddress address = leases.addressOf(e, mac);
        updates.add(new Update("lease", leases.apply(e, mac, address)));
        story.lease(e, mac, address, updates);
    }

    /**
     * Adds leases the DHCP service already holds (restored after a restart) without inventing history:
     * the Leases page and the address join learn them, the timelines and counters do not. A lease the
     * dashboard already knows from a later event is left alone.
     */
    public void restore(List<LeaseEvent> current) {
        absorb(current, false);
    }

    /**
     * Leases read from a store that other servers share, where they may have been granted: like
     * {@link #restore}, but each one the dashboard does not show held at that address until at least that
     * expiry is added (or updated) as of {@code e.at()}, keeping what the dashboard knows of the device.
     */
    public void learnShared(List<LeaseEvent> current) {
        absorb(current, true);
    }

    private void absorb(List<LeaseEvent> current, boolean shared) {
        List<Update> updates = new ArrayList<>();
        synchronized (this) {
            applyQueuedLocked();
            for (LeaseView v : leases.restore(current, shared)) {
                updates.add(new Update("lease", v));
            }
            deliver(updates);
        }
    }

    // ---- syslog ----------------------------------------------------------------------------------

    private void onSyslog(SyslogReceived e, List<Update> updates) {
        syslogReceived++;
        if (e.sender() == null) {
            return;
        }
        String mac = story.holder(e.sender(), e.at());
        SyslogLine line = new SyslogLine(++seq, e.at(), e.sender(), mac, e.facility(), e.severity(), e.hostname(),
                e.app(), e.message());
        syslog.add(line);
        updates.add(new Update("syslog", line));
        story.syslog(e, mac, updates);
    }

    // ---- queries ---------------------------------------------------------------------------------

    /** Live transfers, oldest first; ones silent for ten minutes lost their finish and are dropped. */
    public synchronized List<TransferView> activeTransfers() {
        applyQueuedLocked();
        return transfers.active(clock.now());
    }

    public synchronized List<TransferView> recentTransfers(Predicate<? super TransferView> filter, int limit) {
        applyQueuedLocked();
        return transfers.recent(filter, limit);
    }

    /** Leases, most recently changed first. */
    public synchronized List<LeaseView> leases() {
        applyQueuedLocked();
        return leases.newestFirst();
    }

    public synchronized Optional<LeaseView> lease(String mac) {
        applyQueuedLocked();
        return leases.get(mac);
    }

    /** Lease counts by state at the clock's now, for metrics and the overview. */
    public synchronized Map<LeaseView.LeaseState, Long> leaseStates() {
        applyQueuedLocked();
        return leases.states(clock.now());
    }

    /** Syslog lines newest first; {@code afterSeq} lets a live view fetch only what it has not seen. */
    public synchronized List<SyslogLine> syslog(Predicate<? super SyslogLine> filter, long afterSeq, int limit) {
        applyQueuedLocked();
        return syslog.newest(l -> l.seq() > afterSeq && filter.test(l), limit);
    }

    public synchronized List<ServiceWarning> warnings(int limit) {
        applyQueuedLocked();
        return warnings.newest(w -> true, limit);
    }

    public synchronized Map<String, ServiceStateChanged> serviceStates() {
        applyQueuedLocked();
        return Map.copyOf(serviceStates);
    }

    /** A device's story: by MAC, its own entries; by address, every entry that involved the address. */
    public synchronized List<TimelineEntry> timeline(String key) {
        applyQueuedLocked();
        String k = key.trim().toLowerCase(Locale.ROOT);
        if (DeviceKeys.isMac(k)) {
            return timeline.ofDevice(DeviceKeys.normaliseMac(k));
        }
        Optional<InetAddress> address = DeviceKeys.address(k);
        return address.map(timeline::ofAddress).orElse(List.of());
    }

    public synchronized List<DeviceSummary> devices() {
        applyQueuedLocked();
        return timeline.summaries();
    }

    /** The MAC that holds the address now, to link an address to its device. */
    public synchronized Optional<String> holderNow(InetAddress address) {
        applyQueuedLocked();
        return addresses.holderAt(address, clock.now());
    }

    public synchronized Totals totals() {
        applyQueuedLocked();
        return new Totals(transfers.byOutcome(), transfers.bytesSent(), transfers.bytesReceived(),
                transfers.retransmits(), leaseEvents, syslogReceived, transfers.activeCount());
    }

    /** Entries held per store, for the overview ("history: 312/5000 syslog lines"). */
    public synchronized Map<String, String> historyUse() {
        applyQueuedLocked();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("transfers", transfers.use());
        m.put("syslog", syslog.size() + "/" + syslog.capacity());
        m.put("leases", leases.size() + "/" + limits.leases());
        m.put("devices", timeline.deviceCount() + "/" + limits.devices());
        m.put("warnings", warnings.size() + "/" + warnings.capacity());
        if (inbox.skipped() > 0) {
            m.put("skipped", inbox.skipped() + " syslog lines and progress reports (events queued faster than shown)");
        }
        return m;
    }

    public Clock clock() {
        return clock;
    }
}
