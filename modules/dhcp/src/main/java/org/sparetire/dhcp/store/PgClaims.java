package org.sparetire.dhcp.store;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparetire.core.net.Addresses;
import org.sparetire.dhcp.lease.Lease;
import org.sparetire.dhcp.lease.LeaseState;

/**
 * The writing side of the PostgreSQL lease table: every lease of a group commit in as few statements as
 * possible, inside the caller's transaction. The claims go in one statement (arrays unnested into one
 * multi-row {@code INSERT ... ON CONFLICT ... RETURNING}), with the bindings elsewhere of the clients being
 * offered and the release of the winners' other rows in the same statement: one round trip for the lot,
 * whose primary key still decides each address on its own, so a conflict refuses only its own lease.
 */
final class PgClaims {
    /**
     * One statement per round. {@code c}: the claims; {@code elsewhere}: the bindings of the clients being
     * offered on a first try (the lease row is the truth: such a client is offered the address it is bound
     * to, not a new one); {@code won}: the claims taken, where the row is free, expired or already this
     * client's (unless an offer would shorten a binding it holds); {@code freed}: once a client holds its
     * new address, its other offers (and, once bound, its other bindings) end. The clients' rows are
     * found through {@code = ANY} of an array parameter, an index lookup (see {@link PgPool} on scans).
     */
    private static final String CLAIM = """
            WITH c AS (
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::boolean[])
                    AS c (address, client_key, mac, state, expires, hostname, insist)
            ), elsewhere AS (
                SELECT d.address, d.client_key, d.mac, d.state, d.expires, d.hostname FROM dhcp_lease d
                WHERE d.client_key = ANY (?::text[]) AND d.state = 'bound' AND d.expires > ?
            ), won AS (
                INSERT INTO dhcp_lease AS d (address, client_key, mac, state, expires, hostname, server, updated)
                SELECT address, client_key, mac, state, expires, hostname, ?, clock_timestamp() FROM c
                WHERE NOT (c.insist AND EXISTS (SELECT 1 FROM elsewhere e
                        WHERE e.client_key = c.client_key AND e.address <> c.address))
                ORDER BY address::inet
                ON CONFLICT (address) DO UPDATE SET client_key = EXCLUDED.client_key, mac = EXCLUDED.mac,
                    state = EXCLUDED.state, expires = EXCLUDED.expires, hostname = EXCLUDED.hostname,
                    server = EXCLUDED.server, updated = EXCLUDED.updated
                WHERE (d.client_key = EXCLUDED.client_key
                        AND NOT (EXCLUDED.state = 'offered' AND d.state = 'bound' AND d.expires > ?))
                    OR d.state NOT IN ('offered', 'bound', 'declined') OR d.expires <= ?
                RETURNING d.address, d.client_key, d.state
            ), freed AS (
                UPDATE dhcp_lease d SET state = 'released', server = ?, updated = clock_timestamp()
                FROM won w
                WHERE d.client_key = ANY (?::text[]) AND d.client_key = w.client_key AND d.address <> w.address
                    AND (d.state = 'offered' OR (w.state = 'bound' AND d.state = 'bound'))
            )
            SELECT address, NULL AS client_key, NULL AS mac, NULL AS state, NULL::timestamptz AS expires,
                NULL AS hostname, true AS won FROM won
            UNION ALL
            SELECT address, client_key, mac, state, expires, hostname, false FROM elsewhere""";
    /** A release ends the row only while it is still this client's. */
    private static final String RELEASE = "UPDATE dhcp_lease SET state = ?, expires = ?, server = ?, "
            + "updated = clock_timestamp() WHERE address = ? AND client_key = ? AND state IN ('offered', 'bound')";

    private PgClaims() {
    }

    /**
     * Writes the leases (releases first, then the claims) in the caller's transaction.
     *
     * @param insist per lease: an offer on a first try, refused when its client is bound at another address
     * @return for each refused lease, by its index, the leases that stand in its way
     */
    static Map<Integer, List<Lease>> write(Connection c, List<Lease> leases, List<Boolean> insist, String server,
                                           Instant now) throws SQLException {
        // Rows are locked in address order, so two servers committing overlapping batches rarely deadlock.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < leases.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> Addresses.ipv4ToLong(leases.get(i).address())));
        List<Integer> releases = new ArrayList<>();
        List<List<Integer>> rounds = new ArrayList<>();
        List<Set<String>> keys = new ArrayList<>();
        for (int i : order) {
            Lease l = leases.get(i);
            if (l.state() == LeaseState.EXPIRED) {
                continue; // a row whose time has passed is free already; writing it could undo a renewal elsewhere
            }
            if (!l.state().holdsAddress()) {
                releases.add(i);
                continue;
            }
            // One statement touches a row once: an address or a client seen twice goes to a later round.
            int r = 0;
            while (r < rounds.size() && (keys.get(r).contains("a" + l.address().getHostAddress())
                    || keys.get(r).contains("c" + l.clientKey()))) {
                r++;
            }
            if (r == rounds.size()) {
                rounds.add(new ArrayList<>());
                keys.add(new HashSet<>());
            }
            rounds.get(r).add(i);
            keys.get(r).add("a" + l.address().getHostAddress());
            keys.get(r).add("c" + l.clientKey());
        }
        release(c, leases, releases, server);
        Map<Integer, List<Lease>> refused = new HashMap<>();
        List<Integer> lost = new ArrayList<>();
        for (List<Integer> round : rounds) {
            claim(c, leases, insist, round, server, now, refused, lost);
        }
        if (!lost.isEmpty()) {
            Map<InetAddress, Lease> holders = PgRows.at(c, lost.stream().map(i -> leases.get(i).address()).toList());
            for (int i : lost) {
                Lease holder = holders.get(leases.get(i).address());
                if (holder != null && !holder.clientKey().equals(leases.get(i).clientKey())) {
                    refused.put(i, List.of(holder));
                }
                // else: the client's own binding, kept as it is
            }
        }
        return refused;
    }

    private static void claim(Connection c, List<Lease> leases, List<Boolean> insist, List<Integer> round, String server,
                              Instant now, Map<Integer, List<Lease>> refused, List<Integer> lost) throws SQLException {
        int n = round.size();
        String[] address = new String[n];
        String[] client = new String[n];
        String[] mac = new String[n];
        String[] state = new String[n];
        String[] expires = new String[n];
        String[] hostname = new String[n];
        Boolean[] insists = new Boolean[n];
        for (int k = 0; k < n; k++) {
            Lease l = leases.get(round.get(k));
            address[k] = l.address().getHostAddress();
            client[k] = l.clientKey();
            mac[k] = l.mac();
            state[k] = PgRows.name(l.state());
            expires[k] = l.expires().toString();
            hostname[k] = l.hostname();
            insists[k] = insist.get(round.get(k)) && l.state() == LeaseState.OFFERED;
        }
        Set<String> won = new HashSet<>();
        Map<String, Lease> elsewhere = new HashMap<>();
        Map<String, String> claimed = new HashMap<>();
        for (int k = 0; k < n; k++) {
            claimed.put(client[k], address[k]);
        }
        try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
            int p = 1;
            for (String[] column : List.of(address, client, mac, state, expires, hostname)) {
                ps.setArray(p++, c.createArrayOf("text", column));
            }
            ps.setArray(p++, c.createArrayOf("bool", insists));
            List<String> insisting = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                if (insists[k]) {
                    insisting.add(client[k]);
                }
            }
            ps.setArray(p++, c.createArrayOf("text", insisting.toArray()));
            ps.setObject(p++, PgRows.time(now));
            ps.setString(p++, server);
            ps.setObject(p++, PgRows.time(now));
            ps.setObject(p++, PgRows.time(now));
            ps.setString(p++, server);
            ps.setArray(p, c.createArrayOf("text", client));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBoolean(7)) {
                        won.add(rs.getString(1));
                    } else {
                        // A binding at another address than the claim's (a client has one claim a round);
                        // the latest to expire is the one the client keeps.
                        PgRows.lease(rs).filter(l -> !l.address().getHostAddress().equals(claimed.get(l.clientKey())))
                                .ifPresent(l -> elsewhere.merge(l.clientKey(), l,
                                        (a, b) -> a.expires().isAfter(b.expires()) ? a : b));
                    }
                }
            }
        }
        for (int k = 0; k < n; k++) {
            Lease other = insists[k] ? elsewhere.get(client[k]) : null;
            if (other != null) {
                refused.put(round.get(k), List.of(other));
            } else if (!won.contains(address[k])) {
                lost.add(round.get(k));
            }
        }
    }

    private static void release(Connection c, List<Lease> leases, List<Integer> releases, String server)
            throws SQLException {
        if (releases.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(RELEASE)) {
            for (int i : releases) {
                Lease l = leases.get(i);
                ps.setString(1, PgRows.name(l.state()));
                ps.setObject(2, PgRows.time(l.expires()));
                ps.setString(3, server);
                ps.setString(4, l.address().getHostAddress());
                ps.setString(5, l.clientKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
