package org.sparetire.dhcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sparetire.dhcp.DhcpConfigTest.assertProblem;
import static org.sparetire.dhcp.DhcpConfigTest.load;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dhcp.lease-store}: the journal by default, PostgreSQL with a url, a user and a password file. */
class LeaseStoreConfigTest {
    @TempDir
    Path dir;

    @Test
    void theJournalIsTheDefault() throws Exception {
        assertThat(load("dhcp: {}").leaseStore()).isEqualTo(DhcpConfig.LeaseStoreSetting.JOURNAL);
    }

    @Test
    void bindsAPostgresqlStore() throws Exception {
        Path pw = Files.writeString(dir.resolve("db-password"), "s3cret\n");
        DhcpConfig c = load("""
                dhcp:
                  lease-store:
                    type: postgresql
                    url: jdbc:postgresql://10.0.0.5:5432/sparetire
                    user: sparetire
                    password-file: %s
                """.formatted(pw));
        assertThat(c.leaseStore()).isEqualTo(new DhcpConfig.LeaseStoreSetting(DhcpConfig.StoreType.POSTGRESQL,
                "jdbc:postgresql://10.0.0.5:5432/sparetire", "sparetire", pw));
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    void eachMissingSettingIsReportedWhereItBelongs() {
        String yaml = """
                dhcp:
                  lease-store:
                    type: postgresql
                """;
        assertProblem(yaml, 3, 5, "needs url: jdbc:postgresql://");
        assertProblem(yaml, 3, 5, "needs the database user");
        assertProblem(yaml, 3, 5, "needs password-file");
    }

    @Test
    void aPasswordInTheUrlIsRefused() throws Exception {
        Path pw = Files.writeString(dir.resolve("db-password"), "x\n");
        assertProblem("""
                dhcp:
                  lease-store:
                    type: postgresql
                    url: jdbc:postgresql://db/leases?password=hunter2
                    user: sparetire
                    password-file: %s
                """.formatted(pw), 4, 10, "keep the password out of the url");
    }

    @Test
    void badUrlMissingPasswordFileAndUnknownTypeAreErrors() {
        assertProblem("""
                dhcp:
                  lease-store: {type: postgresql, url: "postgres://db/x", user: u, password-file: /nonexistent/pw}
                """, 2, 40, "expected jdbc:postgresql://HOST:PORT/DATABASE");
        assertProblem("""
                dhcp:
                  lease-store: {type: postgresql, url: "jdbc:postgresql://db/x", user: u, password-file: /nonexistent/pw}
                """, 2, 90, "/nonexistent/pw is not a readable file");
        assertProblem("""
                dhcp:
                  lease-store: {type: mysql}
                """, 2, 23, "mysql");
    }

    @Test
    void theJournalTakesNoDatabaseSettings() {
        assertProblem("""
                dhcp:
                  lease-store:
                    url: jdbc:postgresql://db/x
                """, 3, 10, "only a postgresql lease store takes url");
    }
}
