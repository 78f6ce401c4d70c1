package org.sparetire.dhcp.store;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.net.Addresses;
import org.sparetire.dhcp.lease.Lease;
import org.sparetire.dhcp.lease.LeaseState;

/** The reading side of the PostgreSQL lease table: rows to leases, and the queries that only read (or tidy up). */
final class PgRows {
    private static final Logger log = LoggerFactory.getLogger(PgRows.class);
    static final String COLUMNS = "address, client_key, mac, state, expires, hostname";
    /** Rows changed by others are read with this overlap, so a transaction that commits late is not missed. */
    static final Duration CHANGES_OVERLAP = Duration.ofSeconds(5);

    private PgRows() {
    }

    /** Every row. */
    static List<Lease> all(Connection c) throws SQLException {
        List<Lease> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM dhcp_lease");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                lease(rs).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The rows of these addresses now (a statement of its own: its snapshot sees what others committed meanwhile). */
    static Map<InetAddress, Lease> at(Connection c, Collection<InetAddress> addresses) throws SQLException {
        Map<InetAddress, Lease> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM dhcp_lease WHERE address = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", addresses.stream().map(InetAddress::getHostAddress).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lease(rs).ifPresent(l -> out.put(l.address(), l));
                }
            }
        }
        return out;
    }

    /** What {@link #changes} found, and the time to ask from next. */
    record Changes(List<Lease> leases, OffsetDateTime next) {
    }

    /** Rows another server wrote since {@code since} (a scan: the table is at most a few pools' size). */
    static Changes changes(Connection c, OffsetDateTime since, String server) throws SQLException {
        List<Lease> out = new ArrayList<>();
        OffsetDateTime newest = since;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + ", updated FROM dhcp_lease "
                + "WHERE updated > ? AND server <> ? ORDER BY updated")) {
            ps.setObject(1, since);
            ps.setString(2, server);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lease(rs).ifPresent(out::add);
                    OffsetDateTime u = rs.getObject(7, OffsetDateTime.class);
                    if (u.isAfter(newest)) {
                        newest = u;
                    }
                }
            }
        }
        OffsetDateTime floor = newest.minus(CHANGES_OVERLAP);
        return new Changes(out, floor.isAfter(since) ? floor : since);
    }

    /** Deletes the rows whose lease ended before {@code before}; how many. */
    static int deleteEnded(Connection c, Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM dhcp_lease WHERE expires < ?")) {
            ps.setObject(1, time(before));
            return ps.executeUpdate();
        }
    }

    static Optional<Lease> lease(ResultSet rs) throws SQLException {
        try {
            InetAddress address = Addresses.parseNumeric(rs.getString(1));
            LeaseState state = LeaseState.valueOf(rs.getString(4).toUpperCase(Locale.ROOT));
            Instant expires = rs.getObject(5, OffsetDateTime.class).toInstant();
            return Optional.of(new Lease(rs.getString(2), rs.getString(3), address, state, expires, rs.getString(6)));
        } catch (IllegalArgumentException e) {
            log.warn("dhcp lease store: skipping unreadable row for {}: {}", rs.getString(1), e.getMessage());
            return Optional.empty();
        }
    }

    static String name(LeaseState s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    static OffsetDateTime time(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }
}
