package org.sparetire.dhcp;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.sparetire.dhcp.lease.Lease;
import org.sparetire.dhcp.lease.LeaseState;
import org.sparetire.dhcp.store.LeaseJournal;

/** {@code sparetire leases}: the journal or the shared database as a table, read-only (safe while servers run). */
public final class LeaseReport {
    private LeaseReport() {
    }

    /**
     * @param all include released, expired and past leases, not only those holding an address now
     */
    public static String render(Path leaseFile, Instant now, boolean all) throws IOException {
        LeaseJournal.Loaded loaded = LeaseJournal.read(leaseFile);
        return render(loaded.leases(), leaseFile.toString(), loaded.badLines(), now, all);
    }

    /** The leases in a PostgreSQL store that servers share; the password is read from its file, never shown. */
    public static String render(DhcpConfig.LeaseStoreSetting store, Instant now, boolean all)
            throws IOException, java.sql.SQLException {
        return render(org.sparetire.dhcp.store.PostgresLeaseStore.read(store), "postgresql " + store.url(), 0, now, all);
    }

    private static String render(List<Lease> leases, String source, int badLines, Instant now, boolean all) {
        List<Lease> rows = new ArrayList<>();
        for (Lease l : leases) {
            if (all || l.activeAt(now) && l.state() != LeaseState.OFFERED) {
                rows.add(l);
            }
        }
        rows.sort(Comparator.comparingLong(l -> toLong(l.address().getAddress())));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-15s  %-9s  %-17s  %-20s  %-12s  %s%n", "ADDRESS", "STATE", "MAC",
                "HOSTNAME", "EXPIRES", "CLIENT"));
        for (Lease l : rows) {
            sb.append(String.format(Locale.ROOT, "%-15s  %-9s  %-17s  %-20s  %-12s  %s%n", l.address().getHostAddress(),
                    state(l, now), l.mac() == null ? "-" : l.mac(), l.hostname() == null ? "-" : l.hostname(),
                    remaining(l, now), l.clientKey()));
        }
        sb.append(rows.size()).append(rows.size() == 1 ? " lease" : " leases").append(all ? "" : " held now")
                .append(" in ").append(source);
        if (badLines > 0) {
            sb.append(" (").append(badLines).append(" unreadable lines skipped)");
        }
        return sb.append('\n').toString();
    }

    private static String state(Lease l, Instant now) {
        if (l.state() == LeaseState.BOUND && !l.activeAt(now)) {
            return "expired";
        }
        return l.state().name().toLowerCase(Locale.ROOT);
    }

    private static String remaining(Lease l, Instant now) {
        if (!l.activeAt(now)) {
            return "-";
        }
        Duration d = Duration.between(now, l.expires());
        if (d.toDays() > 0) {
            return d.toDays() + "d" + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h" + d.toMinutesPart() + "m";
        }
        return d.toMinutes() + "m" + d.toSecondsPart() + "s";
    }

    private static long toLong(byte[] b) {
        return ((long) (b[0] & 0xff) << 24) | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }
}
