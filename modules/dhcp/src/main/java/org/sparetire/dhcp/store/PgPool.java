package org.sparetire.dhcp.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.sparetire.dhcp.DhcpConfig;

/** Connections to the lease database: the store's small pool, and a single one for a command that only reads. */
final class PgPool {
    private static final int CONNECT_SECONDS = 2;

    private PgPool() {
    }

    /**
     * One connection for each of the store's two threads. Opens nothing yet: a database that does not
     * answer at start is no error, the first use connects.
     *
     * @throws IOException when the password file cannot be read
     */
    static HikariDataSource open(DhcpConfig.LeaseStoreSetting setting) throws IOException {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("sparetire-dhcp-leases");
        hc.setJdbcUrl(setting.url());
        hc.setUsername(setting.user());
        hc.setPassword(readPassword(setting));
        hc.setMaximumPoolSize(2);
        hc.setMinimumIdle(2);
        hc.setConnectionTimeout(CONNECT_SECONDS * 1000L);
        hc.setValidationTimeout(1000);
        hc.setInitializationFailTimeout(-1);
        hc.setAutoCommit(false);
        // Every statement of the store finds its rows by key. A plan prepared while the table was small
        // scans it instead, and PostgreSQL keeps that plan while the table grows: scans are ruled out here
        // (the reads of the whole table go through the primary key).
        hc.setConnectionInitSql("SET enable_seqscan = off");
        hc.setDataSourceProperties(driverProperties());
        return new HikariDataSource(hc);
    }

    /** One read-only connection of its own, for {@code sparetire leases}. */
    static Connection readOnly(DhcpConfig.LeaseStoreSetting setting) throws IOException, SQLException {
        Properties p = driverProperties();
        p.setProperty("user", setting.user());
        p.setProperty("password", readPassword(setting));
        p.setProperty("readOnly", "true");
        return DriverManager.getConnection(setting.url(), p);
    }

    private static Properties driverProperties() {
        Properties p = new Properties();
        p.setProperty("connectTimeout", String.valueOf(CONNECT_SECONDS));
        p.setProperty("loginTimeout", String.valueOf(CONNECT_SECONDS + 1));
        // A database that stops answering mid-query (a cable pulled) must not hold the store thread forever.
        p.setProperty("socketTimeout", "10");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "sparetire-dhcp");
        // The claim statement is the same text every time: prepared on the server from its first use.
        p.setProperty("prepareThreshold", "1");
        return p;
    }

    private static String readPassword(DhcpConfig.LeaseStoreSetting setting) throws IOException {
        return Files.readString(setting.passwordFile(), StandardCharsets.UTF_8).strip();
    }
}
