package org.sparetire.web.store;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
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
import org.sparetire.core.event.LeaseEventKind;
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
    /** A transfer that sent no progress for this long lost its finish event (service stopped): drop it. */
    static final Duration STALE_TRANSFER = Duration.ofMinutes(10);
    /** Live transfers tracked at most; TFTP servers rarely run more than a few hundred at once. */
    static final int MAX_ACTIVE = 2048;
    /** Events queued and not yet applied at most; past it, syslog lines and progress reports are skipped. */
    static final int MAX_QUEUED = 100_000;

    private final Clock clock;
    private final List<Consumer<Update>> listeners = new CopyOnWriteArrayList<>();

    private final LinkedHashMap<Long, TransferView> active = new LinkedHashMap<>();
    private final BoundedLog<TransferView> finished;
    /** By MAC, least recently changed first (reading a lease does not make it younger). */
    private final LinkedHashMap<String, LeaseView> leases = new LinkedHashMap<>();
    private final BoundedLog<SyslogLine> syslog;
    private final BoundedLog<ServiceWarning> warnings;
    private final Map<String, ServiceStateChanged> serviceStates = new TreeMap<>();
    private final AddressBook addresses;
    private final DeviceTimeline timeline;
    private final Counters counters = new Counters();
    private WebConfig.History limits;
    private long seq;

    private final EventInbox inbox = new EventInbox(MAX_QUEUED);
    private final AtomicBoolean applyScheduled = new AtomicBoolean();
    /** Where queued events are applied; until the web's loop is given, on the publisher's thread. */
    private volatile Executor applier = Runnable::run;

    public Dashboard(WebConfig.History limits, Clock clock) {
        this.clock = clock;
        this.limits = limits;
        this.finished = new BoundedLog<>(limits.transfers());
        this.syslog = new BoundedLog<>(limits.syslog());
        this.warnings = new BoundedLog<>(limits.warnings());
        this.addresses = new AddressBook(Math.max(limits.leases(), limits.devices()) * 2);
        this.timeline = new DeviceTimeline(limits.devices(), limits.perDevice());
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
        finished.resize(newLimits.transfers());
        syslog.resize(newLimits.syslog());
        warnings.resize(newLimits.warnings());
        timeline.resize(newLimits.devices(), newLimits.perDevice());
        trimLeases();
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
            // Delivered under the lock so that every live view sees updates in the order they were made.
            for (Update u : updates) {
                for (Consumer<Update> l : listeners) {
                    l.accept(u);
                }
            }
        }
    }

    // ---- transfers -------------------------------------------------------------------------------

    private void onStarted(TransferStarted e, List<Update> updates) {
        if (e.peer() == null) {
            return;
        }
        String mac = holder(e.peer(), e.at());
        TransferView v = new TransferView(e.transferId(), e.peer(), mac, e.direction(), e.file(), e.mode(), e.options(),
                e.expectedBytes(), 0, 0, e.at(), e.at(), null, "", e.at(), null);
        active.put(e.transferId(), v);
        while (active.size() > MAX_ACTIVE) {
            Iterator<Long> it = active.keySet().iterator();
            it.next();
            it.remove();
        }
        updates.add(new Update("transfer", v));
        addEntry(e.at(), e.service(), mac, e.peer().getAddress(), e.direction().name().toLowerCase(Locale.ROOT) + " "
                + e.file() + " started" + (e.options().isEmpty() ? "" : " " + render(e.options())),
                withExpected(e.options(), e.expectedBytes()), e.transferId(), null, null, updates);
    }

    private static Map<String, String> withExpected(Map<String, String> options, long expected) {
        Map<String, String> d = new TreeMap<>(options);
        d.put("expected-bytes", expected < 0 ? "unknown" : Long.toString(expected));
        return d;
    }

    private void onProgress(TransferProgress e, List<Update> updates) {
        TransferView v = active.get(e.transferId());
        if (v == null) {
            return;
        }
        long expected = e.expectedBytes() > 0 ? e.expectedBytes() : v.expectedBytes();
        TransferView next = new TransferView(v.id(), v.peer(), v.mac(), v.direction(), v.file(), v.mode(), v.options(),
                expected, e.bytes(), e.retransmits(), v.startedAt(), e.at(), null, "",
                e.bytes() > v.bytes() ? e.at() : v.advancedAt(), null);
        active.put(e.transferId(), next);
        updates.add(new Update("transfer", next));
    }

    private void onFinished(TransferFinished e, List<Update> updates) {
        TransferView v = active.remove(e.transferId());
        if (e.peer() == null) {
            return;
        }
        String mac = v != null ? v.mac() : holder(e.peer(), e.at().minus(e.elapsed()));
        long expected = v != null ? v.expectedBytes() : -1;
        Instant started = v != null ? v.startedAt() : e.at().minus(e.elapsed());
        TransferView done = new TransferView(e.transferId(), e.peer(), mac, e.direction(), e.file(), e.mode(),
                e.options(), expected, e.bytes(), e.retransmits(), started, e.at(), e.outcome(), e.detail(), e.at(),
                e.savedAs() == null ? null : e.savedAs().toString());
        finished.add(done);
        counters.byOutcome.merge(e.outcome(), 1L, Long::sum);
        switch (e.direction()) {
            case READ -> counters.bytesSent += e.bytes();
            case WRITE -> counters.bytesReceived += e.bytes();
            default -> { }
        }
        counters.retransmits += e.retransmits();
        updates.add(new Update("transfer", done));
        Map<String, String> details = new TreeMap<>(e.options());
        details.put("bytes", Long.toString(e.bytes()));
        details.put("ms", Long.toString(e.elapsed().toMillis()));
        if (e.savedAs() != null) {
            details.put("saved-as", e.savedAs().toString());
        }
        details.put("retransmits", Integer.toString(e.retransmits()));
        if (!e.detail().isEmpty()) {
            details.put("detail", e.detail());
        }
        addEntry(e.at(), e.service(), mac, e.peer().getAddress(), e.direction().name().toLowerCase(Locale.ROOT) + " "
                + e.file() + " " + e.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ", " + e.bytes()
                + " bytes in " + e.elapsed().toMillis() + " ms, " + e.retransmits() + " retransmits"
                + (e.detail().isEmpty() ? "" : ": " + e.detail()), details, e.transferId(), null, null, updates);
    }

    // ---- leases ----------------------------------------------------------------------------------

    private void onLease(LeaseEvent e, List<Update> updates) {
        counters.leaseEvents++;
        if (e.mac() == null || e.mac().isEmpty()) {
            return; // nothing to key it by; the metrics still count it
        }
        String mac = DeviceKeys.normaliseMac(e.mac());
        LeaseView previous = leases.get(mac);
        InetAddress address = e.address();
        if (address == null && (e.kind() == LeaseEventKind.PROXY_OFFERED || e.kind() == LeaseEventKind.INFORMED)) {
            address = clientAddressOf(e.peer());
        }
        if (address == null && previous != null && (e.kind() == LeaseEventKind.RELEASED
                || e.kind() == LeaseEventKind.EXPIRED || e.kind() == LeaseEventKind.DECLINED)) {
            address = previous.address();
        }
        switch (e.kind()) {
            case ACKED -> {
                if (address != null) {
                    addresses.bind(mac, address, e.at(), e.expires());
                }
            }
            case PROXY_OFFERED, INFORMED -> {
                // The address came from another DHCP server; it is the device's until someone else has it.
                if (address != null) {
                    addresses.bind(mac, address, e.at(), null);
                }
            }
            case RELEASED, EXPIRED, DECLINED, NAKED -> {
                InetAddress held = address != null ? address : addresses.currentAddress(mac).orElse(null);
                if (held != null) {
                    addresses.end(mac, held, e.at());
                }
            }
            default -> { }
        }
        LeaseView v = new LeaseView(mac, address != null ? address : previous == null ? null : previous.address(),
                first(e.hostname(), previous == null ? null : previous.hostname()),
                first(e.vendorClass(), previous == null ? null : previous.vendorClass()),
                e.architecture() >= 0 ? e.architecture() : previous == null ? -1 : previous.architecture(),
                first(e.userClass(), previous == null ? null : previous.userClass()),
                first(e.matchedClass(), previous == null ? null : previous.matchedClass()),
                first(e.bootFile(), previous == null ? null : previous.bootFile()),
                first(e.clientId(), previous == null ? null : previous.clientId()),
                e.kind(), e.at(), e.expires(), e.peer(), e.options());
        leases.remove(mac);
        leases.put(mac, v);
        trimLeases();
        updates.add(new Update("lease", v));

        StringBuilder s = new StringBuilder(e.kind().name());
        if (e.address() != null) {
            s.append(' ').append(e.address().getHostAddress());
        }
        if (e.matchedClass() != null) {
            s.append(" class=").append(e.matchedClass());
        }
        if (e.bootFile() != null) {
            s.append(" boot=").append(e.bootFile());
        }
        if (e.hostname() != null) {
            s.append(" host=").append(e.hostname());
        }
        Map<String, String> details = new TreeMap<>();
        e.options().forEach((k, val) -> details.put("option " + k, val));
        putIf(details, "vendor-class", e.vendorClass());
        putIf(details, "user-class", e.userClass());
        putIf(details, "client-id", e.clientId());
        if (e.architecture() >= 0) {
            details.put("architecture", e.architecture() + " " + LeaseView.architectureName(e.architecture()));
        }
        if (e.expires() != null) {
            details.put("expires", e.expires().toString());
        }
        if (e.peer() != null) {
            details.put("from", e.peer().getAddress().getHostAddress() + ":" + e.peer().getPort());
        }
        addEntry(e.at(), "dhcp", mac, address, s.toString(), details, -1, e.hostname(), e.vendorClass(), updates);
    }

    /** A proxy-DHCP or INFORM request comes from the client's own address, unless a relay forwarded it. */
    private static InetAddress clientAddressOf(InetSocketAddress peer) {
        if (peer == null || peer.getAddress() == null || peer.getAddress().isAnyLocalAddress() || peer.getPort() == 67) {
            return null;
        }
        return peer.getAddress();
    }

    private void trimLeases() {
        while (leases.size() > limits.leases()) {
            Iterator<String> it = leases.keySet().iterator();
            it.next();
            it.remove();
        }
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
            for (LeaseEvent e : current) {
                if (e.mac() == null || e.address() == null) {
                    continue;
                }
                String mac = DeviceKeys.normaliseMac(e.mac());
                LeaseView known = leases.get(mac);
                boolean same = known != null && e.address().equals(known.address());
                if (shared ? same && known.lastEvent() == LeaseEventKind.ACKED && known.expires() != null
                        && e.expires() != null && !known.expires().isBefore(e.expires())
                        : known != null && !known.updatedAt().isBefore(e.at())) {
                    continue;
                }
                addresses.bind(mac, e.address(), e.at(), e.expires());
                LeaseView k = shared && same ? known : null;
                LeaseView v = new LeaseView(mac, e.address(), first(e.hostname(), k == null ? null : k.hostname()),
                        first(e.vendorClass(), k == null ? null : k.vendorClass()),
                        e.architecture() >= 0 || k == null ? e.architecture() : k.architecture(),
                        first(e.userClass(), k == null ? null : k.userClass()),
                        first(e.matchedClass(), k == null ? null : k.matchedClass()),
                        first(e.bootFile(), k == null ? null : k.bootFile()),
                        first(e.clientId(), k == null ? null : k.clientId()), e.kind(), e.at(), e.expires(),
                        e.peer() != null || k == null ? e.peer() : k.peer(),
                        e.options().isEmpty() && k != null ? k.options() : e.options());
                leases.remove(mac);
                leases.put(mac, v);
                updates.add(new Update("lease", v));
            }
            trimLeases();
            for (Update u : updates) {
                for (Consumer<Update> l : listeners) {
                    l.accept(u);
                }
            }
        }
    }

    // ---- syslog ----------------------------------------------------------------------------------

    private void onSyslog(SyslogReceived e, List<Update> updates) {
        counters.syslogReceived++;
        if (e.sender() == null) {
            return;
        }
        String mac = holder(e.sender(), e.at());
        SyslogLine line = new SyslogLine(++seq, e.at(), e.sender(), mac, e.facility(), e.severity(), e.hostname(),
                e.app(), e.message());
        syslog.add(line);
        updates.add(new Update("syslog", line));
        Map<String, String> details = new TreeMap<>();
        putIf(details, "severity", SyslogLine.severityName(e.severity()));
        putIf(details, "hostname", e.hostname());
        putIf(details, "app", e.app());
        if (e.facility() >= 0) {
            details.put("facility", Integer.toString(e.facility()));
        }
        String sev = SyslogLine.severityName(e.severity());
        addEntry(e.at(), "syslog", mac, e.sender().getAddress(),
                (sev.isEmpty() ? "" : sev + " ") + (e.app() == null ? "" : e.app() + ": ") + e.message(),
                details, -1, null, null, updates);
    }

    // ---- timeline --------------------------------------------------------------------------------

    private String holder(InetSocketAddress peer, Instant at) {
        if (peer == null || peer.getAddress() == null) {
            return null;
        }
        return addresses.holderAt(peer.getAddress(), at).orElse(null);
    }

    private void addEntry(Instant at, String kind, String mac, InetAddress address, String summary,
                          Map<String, String> details, long transfer, String hostname, String vendorClass,
                          List<Update> updates) {
        if (mac == null && address == null) {
            return;
        }
        TimelineEntry entry = new TimelineEntry(++seq, at, kind, mac, address, summary, details, transfer);
        timeline.add(entry, hostname, vendorClass);
        updates.add(new Update("timeline", entry));
    }

    // ---- queries ---------------------------------------------------------------------------------

    /** Live transfers, oldest first; ones silent for {@link #STALE_TRANSFER} are dropped. */
    public synchronized List<TransferView> activeTransfers() {
        applyQueuedLocked();
        Instant now = clock.now();
        active.values().removeIf(v -> Duration.between(v.updatedAt(), now).compareTo(STALE_TRANSFER) > 0);
        return List.copyOf(active.values());
    }

    public synchronized List<TransferView> recentTransfers(Predicate<? super TransferView> filter, int limit) {
        applyQueuedLocked();
        return finished.newest(filter, limit);
    }

    /** Leases, most recently changed first. */
    public synchronized List<LeaseView> leases() {
        applyQueuedLocked();
        List<LeaseView> out = new ArrayList<>(leases.values());
        out.sort((a, b) -> b.updatedAt().compareTo(a.updatedAt()));
        return out;
    }

    public synchronized Optional<LeaseView> lease(String mac) {
        applyQueuedLocked();
        return Optional.ofNullable(leases.get(mac));
    }

    /** Lease counts by state at the clock's now, for metrics and the overview. */
    public synchronized Map<LeaseView.LeaseState, Long> leaseStates() {
        applyQueuedLocked();
        Instant now = clock.now();
        Map<LeaseView.LeaseState, Long> m = new EnumMap<>(LeaseView.LeaseState.class);
        for (LeaseView.LeaseState s : LeaseView.LeaseState.values()) {
            m.put(s, 0L);
        }
        leases.values().forEach(l -> m.merge(l.state(now), 1L, Long::sum));
        return m;
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
        return new Totals(new EnumMap<>(counters.byOutcome),
                counters.bytesSent, counters.bytesReceived, counters.retransmits, counters.leaseEvents,
                counters.syslogReceived, active.size());
    }

    /** Entries held per store, for the overview ("history: 312/5000 syslog lines"). */
    public synchronized Map<String, String> historyUse() {
        applyQueuedLocked();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("transfers", finished.size() + "/" + finished.capacity());
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

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

    private static void putIf(Map<String, String> m, String k, String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }

    private static String render(Map<String, String> options) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(options).forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }

    private static final class Counters {
        final Map<TransferOutcome, Long> byOutcome = new EnumMap<>(TransferOutcome.class);
        long bytesSent;
        long bytesReceived;
        long retransmits;
        long leaseEvents;
        long syslogReceived;
    }
}
