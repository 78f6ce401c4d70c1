package org.sparetire.dhcp.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sparetire.dhcp.support.Requests.ip;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sparetire.dhcp.DhcpConfig.Range;

class PoolAllocatorTest {
    private final PoolAllocator pool = new PoolAllocator(List.of(
            new Range(ip("10.0.0.10"), ip("10.0.0.12")), new Range(ip("10.0.0.20"), ip("10.0.0.21"))));

    @Test
    void handsOutEveryAddressOnceThenReportsExhaustion() throws Exception {
        Set<InetAddress> seen = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            seen.add(pool.allocate(null));
        }
        assertThat(seen).containsExactlyInAnyOrder(ip("10.0.0.10"), ip("10.0.0.11"), ip("10.0.0.12"), ip("10.0.0.20"),
                ip("10.0.0.21"));
        assertThat(pool.freeCount()).isZero();
        assertThatThrownBy(() -> pool.allocate(null)).isInstanceOf(AllocationException.NoAddressAvailable.class)
                .hasMessageContaining("10.0.0.10-10.0.0.12, 10.0.0.20-10.0.0.21");
    }

    @Test
    void honoursAFreeHintAndIgnoresATakenOrForeignOne() throws Exception {
        assertThat(pool.allocate(ip("10.0.0.21"))).isEqualTo(ip("10.0.0.21"));
        assertThat(pool.allocate(ip("10.0.0.21"))).isNotEqualTo(ip("10.0.0.21"));
        assertThat(pool.allocate(ip("192.168.1.1"))).isNotNull();
    }

    @Test
    void aFreedAddressIsReusedLast() throws Exception {
        InetAddress first = pool.allocate(null);
        pool.free(first);
        assertThat(pool.allocate(null)).isNotEqualTo(first);
    }

    @Test
    void typedErrorsForDoubleFreeAndForeignTake() throws Exception {
        assertThatThrownBy(() -> pool.free(ip("10.0.0.10"))).isInstanceOf(AllocationException.NotAllocated.class);
        assertThatThrownBy(() -> pool.take(ip("10.0.0.15"))).isInstanceOf(AllocationException.OutsidePool.class);
        pool.take(ip("10.0.0.11"));
        assertThat(pool.isFree(ip("10.0.0.11"))).isFalse();
        assertThat(pool.contains(ip("10.0.0.15"))).isFalse();
        assertThat(pool.size()).isEqualTo(5);
    }
}
