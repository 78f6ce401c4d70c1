package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's wiring asks services through core's query ports, never for a service's own class, and
 * leaves DHCP's arithmetic to the lease table (it reads other services' settings records, nothing more).
 */
class DashboardControlTest {
    private static final Path SOURCE = Path.of("src/main/java/org/sparetire/app/DashboardControl.java");

    @Test
    void asksThroughQueryPortsOnly() throws Exception {
        String text = Files.readString(SOURCE);
        assertThat(text).contains("import org.sparetire.core.query.LeaseQueries;");
        assertThat(Pattern.compile("^import\\s+org\\.sparetire\\.\\w+\\.\\w*Service;", Pattern.MULTILINE)
                .matcher(text).find()).as("DashboardControl imports a service class").isFalse();
        assertThat(text).doesNotContain("import org.sparetire.dhcp.").doesNotContain("ipv4ToLong");
    }
}
