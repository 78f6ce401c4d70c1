package org.sparetire.dhcp.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.net.Addresses;
import org.sparetire.dhcp.DhcpConfig;
import org.sparetire.dhcp.lease.Lease;
import org.sparetire.dhcp.lease.LeaseState;

/**
 * Leases in a PostgreSQL database that several servers share. One row per address, whose primary key makes
 * every claim atomic: an OFFERED or BOUND lease is written with {@code INSERT ... ON CONFLICT (address) DO
 * UPDATE ... WHERE} the address is free, expired or already this client's, in the same transaction as the
 * release of the client's other rows, so no address is ever held by two clients whichever server asks.
 *
 * <p>JDBC blocks, so all of it runs on one thread of its own ({@code dhcp-lease-store}); like the journal's
 * writer it takes everything queued, commits it in one transaction, and only then completes the callers'
 * futures (group commit). When the database does not answer, the futures fail with
 * {@link LeaseStoreUnavailable}, the outage is logged once, and the pool reconnects by itself.
 */
public final class PostgresLeaseStore implements LeaseStore {
    private static final Logger log = LoggerFactory.getLogger(PostgresLeaseStore.class);
    /** Versioned migrations, applied in order once each and recorded in schema_version. */
    private static final List<String> MIGRATIONS = List.of("V1__dhcp_lease.sql");
    /** Any constant: only sparetire takes this advisory lock, so two servers never migrate at once. */
    private static final long MIGRATION_LOCK = 0x5350415245L;
    private static final int CONNECT_SECONDS = 2;
    /** Rows changed by others are read with this overlap, so a transaction that commits late is not missed. */
    private static final Duration CHANGES_OVERLAP = Duration.ofSeconds(5);
    /** Rows that ended this long ago are deleted by housekeeping. */
    private static final Duration KEEP_ENDED = Duration.ofDays(7);
    private static final int TRIES = 3;
    private static final String COLUMNS = "address, client_key, mac, state, expires, hostname";
    /**
     * The claim on one address: taken when the row is free, expired or already this client's. Run as one
     * JDBC batch for every lease of a transaction (one round trip), its update count says which won.
     */
    private static final String CLAIM = "INSERT INTO dhcp_lease (address, client_key, mac, state, expires, hostname, "
            + "server, updated) VALUES (?, ?, ?, ?, ?, ?, ?, clock_timestamp()) ON CONFLICT (address) DO UPDATE SET "
            + "client_key = EXCLUDED.client_key, mac = EXCLUDED.mac, state = EXCLUDED.state, expires = EXCLUDED.expires, "
            + "hostname = EXCLUDED.hostname, server = EXCLUDED.server, updated = EXCLUDED.updated "
            // The client's own row, unless an offer would shorten a binding it holds; or a free row.
            + "WHERE (dhcp_lease.client_key = EXCLUDED.client_key AND NOT (EXCLUDED.state = 'offered' "
            + "AND dhcp_lease.state = 'bound' AND dhcp_lease.expires > ?)) "
            + "OR dhcp_lease.state NOT IN ('offered', 'bound', 'declined') OR dhcp_lease.expires <= ?";
    /** Once a client holds its new address, its other offers (and, once bound, its other bindings) end. */
    private static final String FREE_OTHERS = "UPDATE dhcp_lease SET state = 'released', server = ?, "
            + "updated = clock_timestamp() WHERE client_key = ? AND address <> ? AND state = ANY (?)";
    /** A release ends the row only while it is still this client's. */
    private static final String RELEASE = "UPDATE dhcp_lease SET state = ?, expires = ?, server = ?, "
            + "updated = clock_timestamp() WHERE address = ? AND client_key = ? AND state IN ('offered', 'bound')";

    /** Told when the database stops or starts answering; called on the store's thread. */
    public interface Listener {
        void reachability(boolean reachable, String message);
    }

    private final DhcpConfig.LeaseStoreSetting setting;
    private final HikariDataSource pool;
    private final Supplier<Instant> clock;
    private final Listener listener;
    /** Written into each row, so this instance can tell its own changes from the others'. */
    private final String server;
    private final LinkedBlockingQueue<Work> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private final List<Lease> restored;
    private volatile boolean reachable = true;
    private volatile Instant downSince;
    private volatile boolean closed;
    private volatile long commits;
    /** Store thread only. */
    private boolean migrated;
    private OffsetDateTime changesSeen = OffsetDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC);

    private sealed interface Work permits Claims, Changes, Housekeep, Stop {
    }

    private record Claims(List<Lease> leases, boolean firstTry, CompletableFuture<Commit> done) implements Work {
    }

    private record Changes(CompletableFuture<List<Lease>> done) implements Work {
    }

    private record Housekeep(CompletableFuture<Void> done) implements Work {
    }

    private record Stop() implements Work {
    }

    private PostgresLeaseStore(DhcpConfig.LeaseStoreSetting setting, HikariDataSource pool, Supplier<Instant> clock,
                               Listener listener, String server) {
        this.setting = setting;
        this.pool = pool;
        this.clock = clock;
        this.listener = listener;
        this.server = server;
        this.restored = loadAtStart();
        this.worker = new Thread(this::run, "dhcp-lease-store");
        this.worker.setDaemon(true);
    }

    /**
     * Opens the pool and reads every lease (on the calling thread, which is not an event loop: the service
     * opens its store while it starts). A database that does not answer yet is no error: the store starts
     * unreachable, withholds replies, and reads everything once it answers.
     *
     * @throws IOException when the password file cannot be read
     */
    public static PostgresLeaseStore open(DhcpConfig.LeaseStoreSetting setting, Supplier<Instant> clock,
                                          Listener listener) throws IOException {
        String password = readPassword(setting);
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("sparetire-dhcp-leases");
        hc.setJdbcUrl(setting.url());
        hc.setUsername(setting.user());
        hc.setPassword(password);
        hc.setMaximumPoolSize(2);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(CONNECT_SECONDS * 1000L);
        hc.setValidationTimeout(1000);
        hc.setInitializationFailTimeout(-1); // start without the database; the first use connects
        hc.setAutoCommit(false);
        hc.setDataSourceProperties(driverProperties());
        String server = LocalHost.name() + "/" + UUID.randomUUID().toString().substring(0, 8);
        PostgresLeaseStore store = new PostgresLeaseStore(setting, new HikariDataSource(hc), clock, listener, server);
        store.worker.start();
        return store;
    }

    private static Properties driverProperties() {
        Properties p = new Properties();
        p.setProperty("connectTimeout", String.valueOf(CONNECT_SECONDS));
        p.setProperty("loginTimeout", String.valueOf(CONNECT_SECONDS + 1));
        // A database that stops answering mid-query (a cable pulled) must not hold the store thread forever.
        p.setProperty("socketTimeout", "10");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "sparetire-dhcp");
        return p;
    }

    private static String readPassword(DhcpConfig.LeaseStoreSetting setting) throws IOException {
        String text = Files.readString(setting.passwordFile(), StandardCharsets.UTF_8);
        return text.strip();
    }

    /**
     * Every lease in the database, on one connection of its own (for {@code sparetire leases}; the schema
     * must exist, as it does once a server has run with this store).
     */
    public static List<Lease> read(DhcpConfig.LeaseStoreSetting setting) throws IOException, SQLException {
        Properties p = driverProperties();
        p.setProperty("user", setting.user());
        p.setProperty("password", readPassword(setting));
        p.setProperty("readOnly", "true");
        try (Connection c = DriverManager.getConnection(setting.url(), p)) {
            return selectAll(c);
        }
    }

    private List<Lease> loadAtStart() {
        try (Connection c = pool.getConnection()) {
            migrate(c);
            List<Lease> all = selectAll(c);
            c.commit();
            changesSeen = OffsetDateTime.now(ZoneOffset.UTC).minus(CHANGES_OVERLAP);
            log.info("dhcp lease store postgresql {}: {} leases read", setting.url(), all.size());
            return all;
        } catch (SQLException e) {
            down(e);
            return List.of();
        }
    }

    private static List<Lease> selectAll(Connection c) throws SQLException {
        List<Lease> out = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + COLUMNS + " FROM dhcp_lease")) {
            while (rs.next()) {
                lease(rs).ifPresent(out::add);
            }
        }
        return out;
    }

    @Override
    public List<Lease> restored() {
        return restored;
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public CompletableFuture<Commit> commit(List<Lease> leases, boolean firstTry) {
        CompletableFuture<Commit> done = new CompletableFuture<>();
        return enqueue(new Claims(List.copyOf(leases), firstTry, done), done);
    }

    @Override
    public CompletableFuture<List<Lease>> changesByOthers() {
        CompletableFuture<List<Lease>> done = new CompletableFuture<>();
        return enqueue(new Changes(done), done);
    }

    @Override
    public CompletableFuture<Void> compact(Collection<Lease> live) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        return enqueue(new Housekeep(done), done);
    }

    private <T> CompletableFuture<T> enqueue(Work w, CompletableFuture<T> done) {
        if (closed) {
            done.completeExceptionally(new LeaseStoreUnavailable("lease store is closed"));
        } else {
            queue.add(w);
        }
        return done;
    }

    @Override
    public String status() {
        Instant since = downSince;
        return reachable ? "lease-store=postgresql commits=" + commits
                : "lease-store=postgresql UNREACHABLE since " + since + " (every OFFER and ACK withheld)";
    }

    @Override
    public boolean reachable() {
        return reachable;
    }

    private void run() {
        List<Work> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            try {
                // While the database is away, look for it every second, so its return is noticed (and
                // logged) even when no client asks for anything meanwhile.
                Work first = reachable ? queue.take() : queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    probe();
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch);
            List<Claims> claims = new ArrayList<>();
            boolean stop = false;
            for (Work w : batch) {
                if (w instanceof Claims c) {
                    claims.add(c);
                } else if (w instanceof Stop) {
                    stop = true;
                }
            }
            try {
                if (!claims.isEmpty()) {
                    claim(claims);
                }
                for (Work w : batch) {
                    if (w instanceof Changes ch) {
                        changes(ch);
                    } else if (w instanceof Housekeep h) {
                        housekeep(h);
                    }
                }
            } catch (RuntimeException e) {
                // Never let the thread die silently: fail what this batch promised and keep going.
                log.error("dhcp lease store postgresql {}: {}", setting.url(), e.toString());
                fail(batch, new LeaseStoreUnavailable(e.toString()));
            }
            if (stop) {
                return;
            }
        }
    }

    private void probe() {
        try {
            transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                }
                return null;
            });
        } catch (SQLException e) {
            // still away: already reported
        }
    }

    private static void fail(List<Work> batch, LeaseStoreUnavailable e) {
        for (Work w : batch) {
            if (w instanceof Claims c) {
                c.done().completeExceptionally(e);
            } else if (w instanceof Changes ch) {
                ch.done().completeExceptionally(e);
            } else if (w instanceof Housekeep h) {
                h.done().completeExceptionally(e);
            }
        }
    }

    /** Every queued claim in one transaction; each caller gets back the refusals among its own leases. */
    private void claim(List<Claims> claims) {
        List<Lease> all = new ArrayList<>();
        List<Boolean> firstTry = new ArrayList<>();
        for (Claims c : claims) {
            all.addAll(c.leases());
            c.leases().forEach(l -> firstTry.add(c.firstTry()));
        }
        Map<Integer, List<Lease>> refused;
        try {
            refused = transaction(c -> apply(c, all, firstTry));
        } catch (SQLException e) {
            down(e);
            LeaseStoreUnavailable u = new LeaseStoreUnavailable("lease store postgresql unreachable: " + reason(e));
            claims.forEach(c -> c.done().completeExceptionally(u));
            return;
        }
        commits++;
        int offset = 0;
        for (Claims c : claims) {
            Map<Integer, List<Lease>> mine = new HashMap<>();
            for (int i = 0; i < c.leases().size(); i++) {
                List<Lease> r = refused.get(offset + i);
                if (r != null) {
                    mine.put(i, r);
                }
            }
            offset += c.leases().size();
            c.done().complete(mine.isEmpty() ? Commit.ALL : new Commit(mine));
        }
    }

    private interface Body<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs the body in one transaction, again when two servers deadlocked on the same rows. */
    private <T> T transaction(Body<T> body) throws SQLException {
        try (Connection c = pool.getConnection()) {
            if (!migrated) {
                migrate(c);
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    T result = body.run(c);
                    c.commit();
                    up();
                    return result;
                } catch (SQLException e) {
                    rollbackQuietly(c);
                    // 40P01 deadlock, 40001 serialization failure: the other server won this round.
                    boolean retry = "40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState());
                    if (!retry || attempt >= TRIES) {
                        throw e;
                    }
                }
            }
        }
    }

    /**
     * Four round trips whatever the number of leases: releases, the bindings elsewhere of the clients
     * being offered, the claims, then (in statements of their own, whose snapshots see rows another
     * server committed meanwhile) the holders of the addresses not won, and the release of the winners'
     * other rows.
     */
    private Map<Integer, List<Lease>> apply(Connection c, List<Lease> all, List<Boolean> firstTry) throws SQLException {
        Map<Integer, List<Lease>> refused = new HashMap<>();
        Instant now = clock.get();
        // Rows are locked in address order, so two servers committing overlapping batches rarely deadlock.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> Addresses.ipv4ToLong(all.get(i).address())));
        List<Integer> releases = new ArrayList<>();
        List<Integer> claims = new ArrayList<>();
        for (int i : order) {
            LeaseState st = all.get(i).state();
            if (st == LeaseState.EXPIRED) {
                continue; // a row whose time has passed is free already; writing it could undo a renewal elsewhere
            }
            (st.holdsAddress() ? claims : releases).add(i);
        }
        if (!releases.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(RELEASE)) {
                for (int i : releases) {
                    Lease l = all.get(i);
                    ps.setString(1, name(l.state()));
                    ps.setObject(2, time(l.expires()));
                    ps.setString(3, server);
                    ps.setString(4, l.address().getHostAddress());
                    ps.setString(5, l.clientKey());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        // The lease row is the truth: a client bound elsewhere is offered that address, not a new one.
        Map<String, Lease> boundElsewhere = boundElsewhere(c, all, claims, firstTry, now);
        List<Integer> tried = new ArrayList<>();
        for (int i : claims) {
            Lease l = all.get(i);
            Lease other = l.state() == LeaseState.OFFERED && firstTry.get(i) ? boundElsewhere.get(l.clientKey()) : null;
            if (other != null && !other.address().equals(l.address())) {
                refused.put(i, List.of(other));
            } else {
                tried.add(i);
            }
        }
        if (tried.isEmpty()) {
            return refused;
        }
        int[] won;
        try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
            for (int i : tried) {
                Lease l = all.get(i);
                ps.setString(1, l.address().getHostAddress());
                ps.setString(2, l.clientKey());
                ps.setString(3, l.mac());
                ps.setString(4, name(l.state()));
                ps.setObject(5, time(l.expires()));
                ps.setString(6, l.hostname());
                ps.setString(7, server);
                ps.setObject(8, time(now));
                ps.setObject(9, time(now));
                ps.addBatch();
            }
            won = ps.executeBatch();
        }
        List<Integer> lost = new ArrayList<>();
        List<Integer> claimed = new ArrayList<>();
        for (int k = 0; k < tried.size(); k++) {
            (won[k] > 0 ? claimed : lost).add(tried.get(k));
        }
        if (!lost.isEmpty()) {
            Map<InetAddress, Lease> holders = rows(c, lost.stream().map(i -> all.get(i).address()).toList());
            for (int i : lost) {
                Lease holder = holders.get(all.get(i).address());
                if (holder != null && !holder.clientKey().equals(all.get(i).clientKey())) {
                    refused.put(i, List.of(holder));
                }
                // else: the client's own binding, kept as it is
            }
        }
        freeOthers(c, all, claimed);
        return refused;
    }

    private Map<String, Lease> boundElsewhere(Connection c, List<Lease> all, List<Integer> claims, List<Boolean> firstTry,
                                              Instant now) throws SQLException {
        List<String> clients = new ArrayList<>();
        for (int i : claims) {
            if (firstTry.get(i) && all.get(i).state() == LeaseState.OFFERED) {
                clients.add(all.get(i).clientKey());
            }
        }
        Map<String, Lease> out = new HashMap<>();
        if (clients.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM dhcp_lease WHERE client_key = ANY (?) "
                + "AND state = 'bound' AND expires > ? ORDER BY expires")) {
            ps.setArray(1, c.createArrayOf("text", clients.toArray()));
            ps.setObject(2, time(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lease(rs).ifPresent(l -> out.put(l.clientKey(), l)); // the latest expiry last, so it stays
                }
            }
        }
        return out;
    }

    private void freeOthers(Connection c, List<Lease> all, List<Integer> claimed) throws SQLException {
        boolean any = false;
        try (PreparedStatement ps = c.prepareStatement(FREE_OTHERS)) {
            for (int i : claimed) {
                Lease l = all.get(i);
                String[] others = switch (l.state()) {
                    case BOUND -> new String[] {"offered", "bound"};
                    case OFFERED -> new String[] {"offered"};
                    default -> null;
                };
                if (others == null) {
                    continue;
                }
                ps.setString(1, server);
                ps.setString(2, l.clientKey());
                ps.setString(3, l.address().getHostAddress());
                ps.setArray(4, c.createArrayOf("text", others));
                ps.addBatch();
                any = true;
            }
            if (any) {
                ps.executeBatch();
            }
        }
    }

    private static Map<InetAddress, Lease> rows(Connection c, List<InetAddress> addresses) throws SQLException {
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

    private void changes(Changes ch) {
        try {
            List<Lease> rows = transaction(c -> {
                List<Lease> out = new ArrayList<>();
                OffsetDateTime newest = changesSeen;
                try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + ", updated FROM dhcp_lease "
                        + "WHERE updated > ? AND server <> ? ORDER BY updated")) {
                    ps.setObject(1, changesSeen);
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
                changesSeen = floor.isAfter(changesSeen) ? floor : changesSeen;
                return out;
            });
            ch.done().complete(rows);
        } catch (SQLException e) {
            down(e);
            ch.done().completeExceptionally(new LeaseStoreUnavailable(reason(e)));
        }
    }

    private void housekeep(Housekeep h) {
        try {
            int gone = transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM dhcp_lease WHERE expires < ?")) {
                    ps.setObject(1, time(clock.get().minus(KEEP_ENDED)));
                    return ps.executeUpdate();
                }
            });
            if (gone > 0) {
                log.info("dhcp lease store postgresql {}: deleted {} leases that ended over {} days ago", setting.url(),
                        gone, KEEP_ENDED.toDays());
            }
            h.done().complete(null);
        } catch (SQLException e) {
            down(e);
            h.done().completeExceptionally(new LeaseStoreUnavailable(reason(e)));
        }
    }

    /** Applies the migrations this database lacks, under a lock, so two servers starting at once agree. */
    private void migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, "
                    + "script text NOT NULL, applied timestamptz NOT NULL DEFAULT now())");
            int current;
            try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
                rs.next();
                current = rs.getInt(1);
            }
            if (current > MIGRATIONS.size()) {
                c.rollback();
                throw new SQLException("the database's lease schema is version " + current + ", newer than this "
                        + "sparetire knows (" + MIGRATIONS.size() + "); upgrade sparetire", "0A000");
            }
            for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
                String script = MIGRATIONS.get(v - 1);
                s.execute(sql(script));
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO schema_version (version, script) VALUES (?, ?)")) {
                    ps.setInt(1, v);
                    ps.setString(2, script);
                    ps.executeUpdate();
                }
                log.info("dhcp lease store postgresql {}: schema migrated to version {} ({})", setting.url(), v, script);
            }
        }
        c.commit();
        migrated = true;
    }

    private static String sql(String script) throws SQLException {
        try (InputStream in = PostgresLeaseStore.class.getResourceAsStream("postgresql/" + script)) {
            if (in == null) {
                throw new SQLException("migration " + script + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SQLException("cannot read migration " + script + ": " + e.getMessage());
        }
    }

    /** One log line and one listener call per outage, however many commits fail during it. */
    private void down(SQLException e) {
        if (!reachable) {
            return;
        }
        reachable = false;
        downSince = clock.get();
        String msg = "lease store postgresql " + setting.url() + " unreachable: " + reason(e)
                + "; withholding every OFFER and ACK until it answers again";
        log.error("dhcp {}", msg);
        listener.reachability(false, msg);
    }

    private void up() {
        if (reachable) {
            return;
        }
        reachable = true;
        Duration out = Duration.between(downSince, clock.get());
        String msg = "lease store postgresql " + setting.url() + " reachable again after " + out.toSeconds()
                + "s; serving";
        log.info("dhcp {}", msg);
        listener.reachability(true, msg);
    }

    /** The driver's own words, without a stack trace; the innermost cause says most (connection refused). */
    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool drops it
        }
    }

    private static Optional<Lease> lease(ResultSet rs) throws SQLException {
        int at = 1;
        try {
            InetAddress address = Addresses.parseNumeric(rs.getString(at));
            LeaseState state = LeaseState.valueOf(rs.getString(at + 3).toUpperCase(Locale.ROOT));
            Instant expires = rs.getObject(at + 4, OffsetDateTime.class).toInstant();
            return Optional.of(new Lease(rs.getString(at + 1), rs.getString(at + 2), address, state, expires,
                    rs.getString(at + 5)));
        } catch (IllegalArgumentException e) {
            log.warn("dhcp lease store: skipping unreadable row for {}: {}", rs.getString(at), e.getMessage());
            return Optional.empty();
        }
    }

    private static String name(LeaseState s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    private static OffsetDateTime time(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    @Override
    public void close(Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        StoreThread.stop(queue, new Stop(), worker, grace);
        List<Work> left = new ArrayList<>();
        queue.drainTo(left);
        fail(left, new LeaseStoreUnavailable("lease store closed"));
        pool.close();
    }

    /** This machine's name for the server column (people read it when two servers share the table). */
    private static final class LocalHost {
        static String name() {
            // Not InetAddress.getLocalHost(): that may wait for a resolver.
            try {
                String n = Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
                return n.isEmpty() ? "sparetire" : n;
            } catch (IOException | RuntimeException e) {
                return "sparetire";
            }
        }
    }
}
