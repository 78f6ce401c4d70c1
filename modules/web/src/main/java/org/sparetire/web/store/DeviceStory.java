package org.sparetire.web.store;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.sparetire.core.event.LeaseEvent;
import org.sparetire.core.event.SyslogReceived;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferStarted;
import org.sparetire.web.store.Dashboard.Update;

/**
 * The per-device timelines: each transfer, lease change and syslog line told as one entry with its details,
 * filed under the device that held the sender's address at the event's own time. The dashboard's tables keep
 * what is current; this keeps what happened.
 */
final class DeviceStory {
    private final AddressBook addresses;
    private final DeviceTimeline timeline;
    /** Shared with the syslog tail, so a live view orders lines and entries alike. */
    private final LongSupplier seq;

    DeviceStory(AddressBook addresses, DeviceTimeline timeline, LongSupplier seq) {
        this.addresses = addresses;
        this.timeline = timeline;
        this.seq = seq;
    }

    /** The MAC that held the peer's address at that time, or null. */
    String holder(InetSocketAddress peer, Instant at) {
        if (peer == null || peer.getAddress() == null) {
            return null;
        }
        return addresses.holderAt(peer.getAddress(), at).orElse(null);
    }

    void transferStarted(TransferStarted e, String mac, List<Update> updates) {
        add(e.at(), e.service(), mac, e.peer().getAddress(), e.direction().name().toLowerCase(Locale.ROOT) + " "
                + e.file() + " started" + (e.options().isEmpty() ? "" : " " + render(e.options())),
                withExpected(e.options(), e.expectedBytes()), e.transferId(), null, null, updates);
    }

    void transferFinished(TransferFinished e, String mac, List<Update> updates) {
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
        add(e.at(), e.service(), mac, e.peer().getAddress(), e.direction().name().toLowerCase(Locale.ROOT) + " "
                + e.file() + " " + e.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ", " + e.bytes()
                + " bytes in " + e.elapsed().toMillis() + " ms, " + e.retransmits() + " retransmits"
                + (e.detail().isEmpty() ? "" : ": " + e.detail()), details, e.transferId(), null, null, updates);
    }

    /** @param address the address the lease event is about, as the lease table resolved it (may be null) */
    void lease(LeaseEvent e, String mac, InetAddress address, List<Update> updates) {
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
        add(e.at(), "dhcp", mac, address, s.toString(), details, -1, e.hostname(), e.vendorClass(), updates);
    }

    void syslog(SyslogReceived e, String mac, List<Update> updates) {
        Map<String, String> details = new TreeMap<>();
        putIf(details, "severity", SyslogLine.severityName(e.severity()));
        putIf(details, "hostname", e.hostname());
        putIf(details, "app", e.app());
        if (e.facility() >= 0) {
            details.put("facility", Integer.toString(e.facility()));
        }
        String sev = SyslogLine.severityName(e.severity());
        add(e.at(), "syslog", mac, e.sender().getAddress(),
                (sev.isEmpty() ? "" : sev + " ") + (e.app() == null ? "" : e.app() + ": ") + e.message(),
                details, -1, null, null, updates);
    }

    private void add(Instant at, String kind, String mac, InetAddress address, String summary,
                     Map<String, String> details, long transfer, String hostname, String vendorClass,
                     List<Update> updates) {
        if (mac == null && address == null) {
            return;
        }
        TimelineEntry entry = new TimelineEntry(seq.getAsLong(), at, kind, mac, address, summary, details, transfer);
        timeline.add(entry, hostname, vendorClass);
        updates.add(new Update("timeline", entry));
    }

    private static Map<String, String> withExpected(Map<String, String> options, long expected) {
        Map<String, String> d = new TreeMap<>(options);
        d.put("expected-bytes", expected < 0 ? "unknown" : Long.toString(expected));
        return d;
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
}
