package org.sparetire.web.api;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.sparetire.core.event.ServiceWarning;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.web.ApplianceControl;
import org.sparetire.web.codec.JsonWriter;
import org.sparetire.web.codec.WebRequest;
import org.sparetire.web.codec.WebResponse;
import org.sparetire.web.store.Dashboard;
import org.sparetire.web.store.DeviceKeys;
import org.sparetire.web.store.DeviceSummary;
import org.sparetire.web.store.LeaseView;
import org.sparetire.web.store.SyslogLine;
import org.sparetire.web.store.TimelineEntry;
import org.sparetire.web.store.TransferView;

/**
 * The read-only pages, answered from what the dashboard knows: overview, transfers, leases, syslog, devices
 * and one device's timeline, each filtered by its query parameters. Access has been checked by the caller.
 */
final class DashboardPages {
    private final Dashboard dashboard;
    private final Supplier<ApplianceControl> control;

    DashboardPages(Dashboard dashboard, Supplier<ApplianceControl> control) {
        this.dashboard = dashboard;
        this.control = control;
    }

    WebResponse overview(Instant now, List<ApplianceControl.PoolUsage> pools) {
        ApplianceControl c = control.get();
        JsonWriter w = new JsonWriter().beginObject().field("now", Views.time(now));
        w.name("services").beginArray();
        for (Map.Entry<String, ServiceHealth> e : c.health().entrySet()) {
            Views.health(w, e.getKey(), e.getValue());
        }
        w.endArray();
        Dashboard.Totals t = dashboard.totals();
        w.name("totals").beginObject();
        w.name("transfersByOutcome").beginObject();
        t.transfersByOutcome().forEach((k, v) -> w.field(Views.lower(k), v));
        w.endObject();
        w.field("activeTransfers", dashboard.activeTransfers().size())
                .field("bytesSent", t.bytesSent())
                .field("bytesReceived", t.bytesReceived())
                .field("retransmits", t.retransmits())
                .field("leaseEvents", t.leaseEvents())
                .field("syslogReceived", t.syslogReceived());
        c.syslogDropped().ifPresent(n -> w.field("syslogDropped", n));
        w.endObject();
        w.name("leaseStates").beginObject();
        dashboard.leaseStates().forEach((k, v) -> w.field(Views.lower(k), v));
        w.endObject();
        w.name("pools").beginArray();
        pools.forEach(p -> Views.pool(w, p));
        w.endArray();
        w.name("warnings").beginArray();
        for (ServiceWarning warning : dashboard.warnings(50)) {
            Views.warning(w, warning);
        }
        w.endArray();
        w.name("history").beginObject();
        dashboard.historyUse().forEach(w::field);
        w.endObject();
        c.bench().ifPresent(b -> {
            w.name("here");
            FilesApi.bench(w, b);
        });
        return WebResponse.json(w.endObject().toString());
    }

    WebResponse transfers(WebRequest r) {
        Predicate<TransferView> filter = transferFilter(r);
        int limit = r.intParam("limit", 200, 1, 5000);
        JsonWriter w = new JsonWriter().beginObject();
        w.name("active").beginArray();
        dashboard.activeTransfers().stream().filter(filter).forEach(t -> Views.transfer(w, t));
        w.endArray();
        w.name("recent").beginArray();
        dashboard.recentTransfers(filter, limit).forEach(t -> Views.transfer(w, t));
        w.endArray();
        return WebResponse.json(w.endObject().toString());
    }

    /** {@code q} matches file, peer or MAC; {@code outcome}, {@code direction} and {@code device} match exactly. */
    static Predicate<TransferView> transferFilter(WebRequest r) {
        String q = r.param("q", "").toLowerCase(Locale.ROOT);
        String outcome = r.param("outcome", "").toLowerCase(Locale.ROOT);
        String direction = r.param("direction", "").toLowerCase(Locale.ROOT);
        String device = r.param("device", "").toLowerCase(Locale.ROOT);
        return t -> (q.isEmpty() || contains(t.file(), q) || contains(Views.endpoint(t.peer()), q) || contains(t.mac(), q))
                && (outcome.isEmpty() || outcome.equals(t.outcome() == null ? "active" : Views.lower(t.outcome())))
                && (direction.isEmpty() || direction.equals(Views.lower(t.direction())))
                && (device.isEmpty() || matchesDevice(device, t.mac(), t.peer() == null ? null : t.peer().getAddress()));
    }

    private static boolean contains(String haystack, String needle) {
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(needle);
    }

    private static boolean matchesDevice(String key, String mac, InetAddress address) {
        if (DeviceKeys.isMac(key)) {
            return DeviceKeys.normaliseMac(key).equals(mac);
        }
        return DeviceKeys.address(key).map(a -> a.equals(address)).orElse(false);
    }

    WebResponse leases(WebRequest r, Instant now, List<ApplianceControl.PoolUsage> pools) {
        String state = r.param("state", "").toLowerCase(Locale.ROOT);
        JsonWriter w = new JsonWriter().beginObject();
        w.name("leases").beginArray();
        for (LeaseView l : dashboard.leases()) {
            if (state.isEmpty() || Views.lower(l.state(now)).equals(state)) {
                Views.lease(w, l, now);
            }
        }
        w.endArray();
        w.name("pools").beginArray();
        pools.forEach(p -> Views.pool(w, p));
        w.endArray();
        return WebResponse.json(w.endObject().toString());
    }

    WebResponse syslog(WebRequest r) {
        String device = r.param("device", "").toLowerCase(Locale.ROOT);
        int maxSeverity = SyslogLine.parseSeverity(r.param("severity", ""));
        String q = r.param("q", "").toLowerCase(Locale.ROOT);
        long after = r.longParam("after", 0);
        int limit = r.intParam("limit", 200, 1, 5000);
        Predicate<SyslogLine> filter = l -> (device.isEmpty()
                || matchesDevice(device, l.mac(), l.sender() == null ? null : l.sender().getAddress())
                || device.equalsIgnoreCase(l.hostname() == null ? "" : l.hostname()))
                // Severity filters like syslog's own: "warning" shows warning and everything more severe.
                && (maxSeverity < 0 || (l.severity() >= 0 && l.severity() <= maxSeverity))
                && (q.isEmpty() || contains(l.message(), q) || contains(l.app(), q) || contains(l.hostname(), q));
        JsonWriter w = new JsonWriter().beginObject();
        w.name("lines").beginArray();
        dashboard.syslog(filter, after, limit).forEach(l -> Views.syslog(w, l));
        w.endArray();
        return WebResponse.json(w.endObject().toString());
    }

    WebResponse devices() {
        JsonWriter w = new JsonWriter().beginObject();
        w.name("devices").beginArray();
        for (DeviceSummary d : dashboard.devices()) {
            Views.device(w, d);
        }
        w.endArray();
        return WebResponse.json(w.endObject().toString());
    }

    WebResponse device(String key, Instant now) {
        boolean mac = DeviceKeys.isMac(key);
        Optional<InetAddress> address = mac ? Optional.empty() : DeviceKeys.address(key);
        if (!mac && address.isEmpty()) {
            return WebResponse.error(400, "a device is named by its MAC or IP address, not '" + key + "'");
        }
        String normal = mac ? DeviceKeys.normaliseMac(key) : address.get().getHostAddress();
        List<TimelineEntry> entries = dashboard.timeline(normal);
        JsonWriter w = new JsonWriter().beginObject()
                .field("key", normal)
                .field("kind", mac ? "mac" : "address");
        if (mac) {
            Optional<LeaseView> lease = dashboard.lease(normal);
            w.name("lease");
            if (lease.isPresent()) {
                Views.lease(w, lease.get(), now);
            } else {
                w.nullValue();
            }
        } else {
            w.field("holder", dashboard.holderNow(address.get()).orElse(null));
        }
        w.name("entries").beginArray();
        entries.forEach(e -> Views.timeline(w, e));
        w.endArray();
        return WebResponse.json(w.endObject().toString());
    }
}
