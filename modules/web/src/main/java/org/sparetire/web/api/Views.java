package org.sparetire.web.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.sparetire.core.config.ConfigProblem;
import org.sparetire.core.event.ServiceStateChanged;
import org.sparetire.core.event.ServiceWarning;
import org.sparetire.core.lifecycle.ReloadReport;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.web.ApplianceControl;
import org.sparetire.web.codec.JsonWriter;
import org.sparetire.web.store.DeviceSummary;
import org.sparetire.web.store.LeaseView;
import org.sparetire.web.store.SyslogLine;
import org.sparetire.web.store.TimelineEntry;
import org.sparetire.web.store.TransferView;

/** The JSON form of every view, shared by the API responses and the live event stream (docs/api.md). */
public final class Views {
    private Views() {
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    static String address(InetAddress a) {
        return a == null ? null : a.getHostAddress();
    }

    static String endpoint(InetSocketAddress a) {
        if (a == null || a.getAddress() == null) {
            return null;
        }
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    static String lower(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static void stringMap(JsonWriter w, String name, Map<?, String> map) {
        w.name(name).beginObject();
        new TreeMap<>(map.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                e -> String.valueOf(e.getKey()), Map.Entry::getValue))).forEach(w::field);
        w.endObject();
    }

    public static void transfer(JsonWriter w, TransferView t) {
        w.beginObject()
                .field("id", t.id())
                .field("peer", endpoint(t.peer()))
                .field("address", t.peer() == null ? null : address(t.peer().getAddress()))
                .field("mac", t.mac())
                .field("direction", lower(t.direction()))
                .field("file", t.file())
                .field("mode", t.mode());
        stringMap(w, "options", t.options());
        w.field("expectedBytes", t.expectedBytes())
                .field("bytes", t.bytes())
                .field("retransmits", t.retransmits())
                .field("startedAt", time(t.startedAt()))
                .field("updatedAt", time(t.updatedAt()))
                .field("active", t.active())
                .field("outcome", lower(t.outcome()))
                .field("detail", t.detail())
                .field("fraction", t.fraction())
                .field("bytesPerSecond", Math.round(t.bytesPerSecond()))
                .field("etaSeconds", t.etaSeconds())
                .field("stalledSeconds", t.stalledSeconds())
                .field("savedAs", t.savedAs())
                .endObject();
    }

    public static void lease(JsonWriter w, LeaseView l, Instant now) {
        w.beginObject()
                .field("mac", l.mac())
                .field("address", address(l.address()))
                .field("hostname", l.hostname())
                .field("vendorClass", l.vendorClass())
                .field("architecture", l.effectiveArchitecture())
                .field("architectureName", LeaseView.architectureName(l.effectiveArchitecture()))
                .field("architectureFrom", l.architecture() >= 0 ? "option-93"
                        : l.effectiveArchitecture() >= 0 ? "vendor-class" : null)
                .field("userClass", l.userClass())
                .field("matchedClass", l.matchedClass())
                .field("bootFile", l.bootFile())
                .field("clientId", l.clientId())
                .field("lastEvent", lower(l.lastEvent()))
                .field("state", lower(l.state(now)))
                .field("updatedAt", time(l.updatedAt()))
                .field("expires", time(l.expires()))
                .field("secondsLeft", l.expires() == null ? -1 : Math.max(0,
                        java.time.Duration.between(now, l.expires()).getSeconds()))
                .field("from", endpoint(l.peer()));
        stringMap(w, "options", l.options());
        w.endObject();
    }

    public static void syslog(JsonWriter w, SyslogLine s) {
        w.beginObject()
                .field("seq", s.seq())
                .field("at", time(s.at()))
                .field("sender", endpoint(s.sender()))
                .field("address", s.sender() == null ? null : address(s.sender().getAddress()))
                .field("mac", s.mac())
                .field("facility", s.facility())
                .field("severity", s.severity())
                .field("severityName", SyslogLine.severityName(s.severity()))
                .field("hostname", s.hostname())
                .field("app", s.app())
                .field("message", s.message())
                .endObject();
    }

    public static void timeline(JsonWriter w, TimelineEntry e) {
        w.beginObject()
                .field("seq", e.seq())
                .field("at", time(e.at()))
                .field("kind", e.kind())
                .field("mac", e.mac())
                .field("address", address(e.address()))
                .field("summary", e.summary())
                .field("transfer", e.transfer());
        stringMap(w, "details", e.details());
        w.endObject();
    }

    public static void device(JsonWriter w, DeviceSummary d) {
        w.beginObject()
                .field("key", d.key())
                .field("mac", d.mac())
                .field("address", address(d.address()))
                .field("hostname", d.hostname())
                .field("vendorClass", d.vendorClass())
                .field("lastSeen", time(d.lastSeen()))
                .field("entries", d.entries())
                .endObject();
    }

    public static void warning(JsonWriter w, ServiceWarning e) {
        w.beginObject().field("at", time(e.at())).field("service", e.service()).field("message", e.message())
                .endObject();
    }

    public static void serviceState(JsonWriter w, ServiceStateChanged e) {
        w.beginObject().field("at", time(e.at())).field("service", e.service()).field("state", lower(e.state()))
                .field("detail", e.detail()).endObject();
    }

    public static void health(JsonWriter w, String name, ServiceHealth h) {
        w.beginObject().field("name", name).field("state", lower(h.state())).field("detail", h.detail());
        w.name("endpoints").beginArray();
        for (ServiceHealth.Endpoint e : h.endpoints()) {
            w.beginObject().field("protocol", e.protocol()).field("role", e.role())
                    .field("address", endpoint(e.address())).endObject();
        }
        w.endArray().endObject();
    }

    public static void pool(JsonWriter w, ApplianceControl.PoolUsage p) {
        w.beginObject().field("name", p.name()).field("size", p.size()).field("used", p.used())
                .field("utilisation", p.utilisation()).endObject();
    }

    public static void reload(JsonWriter w, ReloadReport r) {
        w.beginObject().field("applied", r.applied());
        w.name("problems").beginArray();
        for (ConfigProblem p : r.problems()) {
            w.beginObject().field("source", p.position().source()).field("line", p.position().line())
                    .field("column", p.position().column()).field("message", p.message())
                    .field("text", p.toString()).endObject();
        }
        w.endArray();
        w.name("changes").beginArray();
        r.changes().forEach(w::value);
        w.endArray().endObject();
    }
}
