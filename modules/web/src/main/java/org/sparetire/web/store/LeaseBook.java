package org.sparetire.web.store;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sparetire.core.event.LeaseEvent;
import org.sparetire.core.event.LeaseEventKind;

/**
 * The latest lease per MAC, bounded, least recently changed first (reading a lease does not make it younger),
 * and the address holdings it records in the {@link AddressBook}, which attribute TFTP and syslog senders
 * to their devices.
 */
final class LeaseBook {
    private final LinkedHashMap<String, LeaseView> leases = new LinkedHashMap<>();
    private final AddressBook addresses;
    private int max;

    LeaseBook(AddressBook addresses, int max) {
        this.addresses = addresses;
        this.max = max;
    }

    /**
     * The address an event is about: its own, or for a proxy offer or INFORM the client's source address,
     * or for an ending lease the address last known for the MAC.
     */
    InetAddress addressOf(LeaseEvent e, String mac) {
        LeaseView previous = leases.get(mac);
        InetAddress address = e.address();
        if (address == null && (e.kind() == LeaseEventKind.PROXY_OFFERED || e.kind() == LeaseEventKind.INFORMED)) {
            address = clientAddressOf(e.peer());
        }
        if (address == null && previous != null && (e.kind() == LeaseEventKind.RELEASED
                || e.kind() == LeaseEventKind.EXPIRED || e.kind() == LeaseEventKind.DECLINED)) {
            address = previous.address();
        }
        return address;
    }

    /** Records the event for the (normalised) MAC; fields the event lacks keep their last known values. */
    LeaseView apply(LeaseEvent e, String mac, InetAddress address) {
        LeaseView previous = leases.get(mac);
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
        put(mac, v);
        trim();
        return v;
    }

    /**
     * Learns leases the DHCP service already holds without inventing history; a lease known from a later
     * event is left alone. From a store other servers share ({@code shared}), a lease is taken unless the
     * table already holds it ACKed at that address until at least that expiry, and what the table knew of the
     * device is kept. Returns the views that changed.
     */
    List<LeaseView> restore(List<LeaseEvent> current, boolean shared) {
        List<LeaseView> changed = new ArrayList<>();
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
            put(mac, v);
            changed.add(v);
        }
        trim();
        return changed;
    }

    void resize(int newMax) {
        max = newMax;
        trim();
    }

    /** Most recently changed first. */
    List<LeaseView> newestFirst() {
        List<LeaseView> out = new ArrayList<>(leases.values());
        out.sort((a, b) -> b.updatedAt().compareTo(a.updatedAt()));
        return out;
    }

    Optional<LeaseView> get(String mac) {
        return Optional.ofNullable(leases.get(mac));
    }

    Map<LeaseView.LeaseState, Long> states(Instant now) {
        Map<LeaseView.LeaseState, Long> m = new EnumMap<>(LeaseView.LeaseState.class);
        for (LeaseView.LeaseState s : LeaseView.LeaseState.values()) {
            m.put(s, 0L);
        }
        leases.values().forEach(l -> m.merge(l.state(now), 1L, Long::sum));
        return m;
    }

    int size() {
        return leases.size();
    }

    private void put(String mac, LeaseView v) {
        leases.remove(mac);
        leases.put(mac, v);
    }

    private void trim() {
        while (leases.size() > max) {
            Iterator<String> it = leases.keySet().iterator();
            it.next();
            it.remove();
        }
    }

    /** A proxy-DHCP or INFORM request comes from the client's own address, unless a relay forwarded it. */
    private static InetAddress clientAddressOf(InetSocketAddress peer) {
        if (peer == null || peer.getAddress() == null || peer.getAddress().isAnyLocalAddress() || peer.getPort() == 67) {
            return null;
        }
        return peer.getAddress();
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }
}
