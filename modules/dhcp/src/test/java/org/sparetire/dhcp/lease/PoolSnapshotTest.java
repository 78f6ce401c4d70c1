package org.sparetire.dhcp.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparetire.core.query.LeaseQueries.PoolFill;
import org.sparetire.dhcp.DhcpConfig.Range;

class PoolSnapshotTest {

    @Test
    void eachRangeIsNamedSizedAndCounted() throws Exception {
        PoolSnapshot s = new PoolSnapshot(List.of(
                new Range(InetAddress.getByName("10.62.0.10"), InetAddress.getByName("10.62.0.19")),
                new Range(InetAddress.getByName("10.62.0.255"), InetAddress.getByName("10.62.1.0"))),
                List.of(3, 0), Instant.MAX);
        assertThat(s.fills()).containsExactly(new PoolFill("10.62.0.10-10.62.0.19", 10, 3),
                new PoolFill("10.62.0.255-10.62.1.0", 2, 0));
        assertThat(PoolSnapshot.EMPTY.fills()).isEmpty();
    }
}
