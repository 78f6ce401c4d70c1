package org.sparetire.dhcp.store;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.dhcp.DhcpConfig;
import org.sparetire.dhcp.lease.Lease;

/**
 * Leases in a PostgreSQL database that several servers share. One row per address, whose primary key makes
 * every claim atomic: an OFFERED or BOUND lease is written with {@code INSERT ... ON CONFLICT (address) DO
 * UPDATE ... WHERE} the address is free, expired or already this client's, in the same statement as the
 * release of the client's other rows, so no address is ever held by two clients whichever server asks
 * ({@link PgClaims}).
 *
 * <p>JDBC blocks, so it runs on two threads of the store's own. The writer ({@code dhcp-lease-store})
 * takes every claim queued while its last transaction was in flight, writes them all in one transaction
 * with one commit, and only then completes each caller's future (group commit). The reader
 * ({@code dhcp-lease-store-read}) answers the queries that only read, so a long read never delays an ACK.
 * When the database does not answer, the futures fail with {@link LeaseStoreUnavailable}, the outage is
 * logged once ({@link PgHealth}), and the pool reconnects by itself.
 */
public final class PostgresLeaseStore implements LeaseStore {
    private static final Logger log = LoggerFactory.getLogger(PostgresLeaseStore.class);
    /** Rows that ended this long ago are deleted by housekeeping. */
    private static final Duration KEEP_ENDED = Duration.ofDays(7);
    private static final int TRIES = 3;

    /** Told when the database stops or starts answering; called on one of the store's threads. */
    public interface Listener {
        void reachability(boolean reachable, String message);
    }

    private final DhcpConfig.LeaseStoreSetting setting;
    private final HikariDataSource pool;
    private final Supplier<Instant> clock;
    private final PgHealth health;
    /** Written into each row, so this instance can tell its own changes from the others'. */
    private final String server;
    private final LinkedBlockingQueue<Work> writes = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Work> reads = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final Thread reader;
    private final List<Lease> restored;
    private volatile boolean closed;
    private volatile boolean migrated;
    private volatile long commits;
    /** Reader thread only. */
    private OffsetDateTime changesSeen = OffsetDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC);

    private sealed interface Work permits Claims, Read, Stop {
    }

    private record Claims(List<Lease> leases, boolean firstTry, CompletableFuture<Commit> done) implements Work {
    }

    /** A query on the reader thread. */
    private record Read(Body<?> body, CompletableFuture<Object> done) implements Work {
    }

    private record Stop() implements Work {
    }

    private PostgresLeaseStore(DhcpConfig.LeaseStoreSetting setting, HikariDataSource pool, Supplier<Instant> clock,
                               Listener listener, String server) {
        this.setting = setting;
        this.pool = pool;
        this.clock = clock;
        this.health = new PgHealth(setting.url(), clock, listener);
        this.server = server;
        this.restored = loadAtStart();
        this.writer = new Thread(this::write, "dhcp-lease-store");
        this.reader = new Thread(this::read, "dhcp-lease-store-read");
        this.writer.setDaemon(true);
        this.reader.setDaemon(true);
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
        HikariDataSource pool = PgPool.open(setting);
        String server = LocalHost.name() + "/" + UUID.randomUUID().toString().substring(0, 8);
        PostgresLeaseStore store = new PostgresLeaseStore(setting, pool, clock, listener, server);
        store.writer.start();
        store.reader.start();
        return store;
    }

    /**
     * Every lease in the database, on one connection of its own (for {@code sparetire leases}; the schema
     * must exist, as it does once a server has run with this store).
     */
    public static List<Lease> read(DhcpConfig.LeaseStoreSetting setting) throws IOException, SQLException {
        try (Connection c = PgPool.readOnly(setting)) {
            return PgRows.all(c);
        }
    }

    private List<Lease> loadAtStart() {
        try (Connection c = pool.getConnection()) {
            PgSchema.migrate(c, setting.url());
            migrated = true;
            List<Lease> all = PgRows.all(c);
            c.commit();
            changesSeen = OffsetDateTime.now(ZoneOffset.UTC).minus(PgRows.CHANGES_OVERLAP);
            log.info("dhcp lease store postgresql {}: {} leases read", setting.url(), all.size());
            return all;
        } catch (SQLException e) {
            health.down(e);
            return List.of();
        }
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
        return enqueue(writes, new Claims(List.copyOf(leases), firstTry, done), done);
    }

    @Override
    public CompletableFuture<List<Lease>> changesByOthers() {
        return query(c -> {
            PgRows.Changes ch = PgRows.changes(c, changesSeen, server);
            changesSeen = ch.next();
            return ch.leases();
        });
    }

    @Override
    public CompletableFuture<List<Lease>> everyLease() {
        return query(PgRows::all);
    }

    @Override
    public CompletableFuture<Void> compact(Collection<Lease> live) {
        return query(c -> {
            int gone = PgRows.deleteEnded(c, clock.get().minus(KEEP_ENDED));
            if (gone > 0) {
                log.info("dhcp lease store postgresql {}: deleted {} leases that ended over {} days ago", setting.url(),
                        gone, KEEP_ENDED.toDays());
            }
            return null;
        });
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> query(Body<T> body) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        return (CompletableFuture<T>) enqueue(reads, new Read(body, done), done);
    }

    private <T> CompletableFuture<T> enqueue(LinkedBlockingQueue<Work> queue, Work w, CompletableFuture<T> done) {
        if (closed) {
            done.completeExceptionally(new LeaseStoreUnavailable("lease store is closed"));
        } else {
            queue.add(w);
        }
        return done;
    }

    @Override
    public String status() {
        return health.status(commits);
    }

    @Override
    public boolean reachable() {
        return health.reachable();
    }

    /** The writer: every claim queued meanwhile goes into the next transaction. */
    private void write() {
        List<Work> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            try {
                // While the database is away, look for it every second, so its return is noticed (and
                // logged) even when no client asks for anything meanwhile.
                Work first = health.reachable() ? writes.take() : writes.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    probe();
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                return;
            }
            writes.drainTo(batch);
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

    /** The reader: one query at a time, each in its own short transaction. */
    private void read() {
        while (true) {
            Work w;
            try {
                w = reads.take();
            } catch (InterruptedException e) {
                return;
            }
            if (w instanceof Stop) {
                return;
            }
            Read r = (Read) w;
            try {
                r.done().complete(transaction(r.body()));
            } catch (SQLException e) {
                health.down(e);
                r.done().completeExceptionally(new LeaseStoreUnavailable(PgHealth.reason(e)));
            } catch (RuntimeException e) {
                log.error("dhcp lease store postgresql {}: {}", setting.url(), e.toString());
                r.done().completeExceptionally(new LeaseStoreUnavailable(e.toString()));
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
            } else if (w instanceof Read r) {
                r.done().completeExceptionally(e);
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
            refused = transaction(c -> PgClaims.write(c, all, firstTry, server, clock.get()));
        } catch (SQLException e) {
            health.down(e);
            LeaseStoreUnavailable u = new LeaseStoreUnavailable("lease store postgresql unreachable: " + PgHealth.reason(e));
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
                PgSchema.migrate(c, setting.url());
                migrated = true;
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    T result = body.run(c);
                    c.commit();
                    health.up();
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

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool drops it
        }
    }

    @Override
    public void close(Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        StoreThread.stop(writes, new Stop(), writer, grace);
        StoreThread.stop(reads, new Stop(), reader, Duration.ofMillis(100));
        List<Work> left = new ArrayList<>();
        writes.drainTo(left);
        reads.drainTo(left);
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
