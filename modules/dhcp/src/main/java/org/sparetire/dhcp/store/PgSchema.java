package org.sparetire.dhcp.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The lease schema in PostgreSQL: versioned SQL scripts, applied in order once each and recorded in schema_version. */
final class PgSchema {
    private static final Logger log = LoggerFactory.getLogger(PgSchema.class);
    private static final List<String> MIGRATIONS = List.of("V1__dhcp_lease.sql", "V2__dhcp_lease_hot_updates.sql");
    /** Any constant: only sparetire takes this advisory lock, so two servers never migrate at once. */
    private static final long MIGRATION_LOCK = 0x5350415245L;

    private PgSchema() {
    }

    /** Applies the migrations this database lacks, under a lock, so two servers starting at once agree; commits. */
    static void migrate(Connection c, String url) throws SQLException {
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
                log.info("dhcp lease store postgresql {}: schema migrated to version {} ({})", url, v, script);
            }
        }
        c.commit();
    }

    private static String sql(String script) throws SQLException {
        try (InputStream in = PgSchema.class.getResourceAsStream("postgresql/" + script)) {
            if (in == null) {
                throw new SQLException("migration " + script + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SQLException("cannot read migration " + script + ": " + e.getMessage());
        }
    }
}
