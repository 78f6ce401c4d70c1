package org.sparetire.dhcp.store;

import java.net.InetAddress;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.sparetire.core.net.Addresses;
import org.sparetire.dhcp.lease.Lease;
import org.sparetire.dhcp.lease.LeaseState;

/**
 * One journal line, readable by people and by grep:
 * <pre>
 * bound 192.168.50.100 until=2026-11-24T06:00:00Z mac=52:54:00:12:34:56 client=id:01525400123456 host=sw1
 * </pre>
 * Fields after the address are key=value so that new ones can be added without breaking old files.
 */
final class LeaseLine {
    private LeaseLine() {
    }

    static String format(Lease l) {
        StringBuilder sb = new StringBuilder(128);
        sb.append(l.state().name().toLowerCase(Locale.ROOT)).append(' ').append(l.address().getHostAddress())
                .append(" until=").append(l.expires())
                .append(" mac=").append(l.mac() == null || l.mac().isEmpty() ? "-" : l.mac())
                .append(" client=").append(l.clientKey());
        if (l.hostname() != null) {
            sb.append(" host=").append(l.hostname());
        }
        return sb.append('\n').toString();
    }

    /** Empty for comments, blank lines and lines that do not parse (the caller counts those). */
    static Optional<Lease> parse(String line) {
        String t = line.trim();
        if (t.isEmpty() || t.startsWith("#")) {
            return Optional.empty();
        }
        String[] parts = t.split(" ");
        if (parts.length < 4) {
            return Optional.empty();
        }
        try {
            LeaseState state = LeaseState.valueOf(parts[0].toUpperCase(Locale.ROOT));
            InetAddress address = Addresses.parseNumeric(parts[1]);
            Map<String, String> kv = new HashMap<>();
            for (int i = 2; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq > 0) {
                    kv.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
                }
            }
            String until = kv.get("until");
            String client = kv.get("client");
            if (until == null || client == null) {
                return Optional.empty();
            }
            String mac = kv.getOrDefault("mac", "-");
            return Optional.of(new Lease(client, mac.equals("-") ? null : mac, address, state, Instant.parse(until),
                    kv.get("host")));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
