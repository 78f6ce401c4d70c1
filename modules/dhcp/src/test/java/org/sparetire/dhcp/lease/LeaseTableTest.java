package org.sparetire.dhcp.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparetire.core.net.Cidr;
import org.sparetire.dhcp.DhcpConfig.Range;
import org.sparetire.dhcp.DhcpConfig.Subnet;

class LeaseTableTest {
    static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    static Subnet twoAddressSubnet() throws Exception {
        return new Subnet(Cidr.parse("192.0.2.0/24"), List.of(new Range(ip("192.0.2.10"), ip("192.0.2.11"))),
                List.of(), List.of(), null, List.of(), Duration.ofHours(1), null, null, List.of());
    }

    static Lease bound(String client, InetAddress a, Instant until) {
        return new Lease(client, "00:00:00:00:00:0" + client.length(), a, LeaseState.BOUND, until, null);
    }

    /** Both addresses bound: hw:a holds 192.0.2.10 until {@code aEnds}, hw:b 192.0.2.11 until {@code bEnds}. */
    static LeaseTable fullPool(Subnet subnet, Instant aEnds, Instant bEnds) throws Exception {
        LeaseTable table = new LeaseTable(List.of(subnet), List.of());
        table.record(bound("hw:a", table.allocate(subnet, null, T0), aEnds));
        table.record(bound("hw:b", table.allocate(subnet, null, T0), bEnds));
        assertThat(table.ofClient("hw:a")).get().extracting(Lease::address).isEqualTo(ip("192.0.2.10"));
        return table;
    }

    @Test
    void aFullPoolReclaimsALeaseAsSoonAsItEndsEvenAfterTheSoonestOneWasRenewed() throws Exception {
        Subnet subnet = twoAddressSubnet();
        LeaseTable table = fullPool(subnet, T0.plusSeconds(10), T0.plusSeconds(50));
        InetAddress a = ip("192.0.2.10");
        InetAddress b = ip("192.0.2.11");

        // Full, and nothing has ended yet.
        assertThatThrownBy(() -> table.allocate(subnet, null, T0.plusSeconds(5)))
                .isInstanceOf(AllocationException.NoAddressAvailable.class);
        // a renews: the soonest end the table remembers (t+10) is now too early, and a full-pool sweep
        // at t+20 finds nothing to reclaim; it must still learn that b ends at t+50.
        table.record(bound("hw:a", a, T0.plusSeconds(100)));
        assertThatThrownBy(() -> table.allocate(subnet, null, T0.plusSeconds(20)))
                .isInstanceOf(AllocationException.NoAddressAvailable.class);
        assertThatThrownBy(() -> table.allocate(subnet, null, T0.plusSeconds(49)))
                .isInstanceOf(AllocationException.NoAddressAvailable.class);
        assertThat(table.allocate(subnet, null, T0.plusSeconds(51))).as("b's address, reclaimed").isEqualTo(b);
        assertThat(table.ofClient("hw:b")).get().extracting(Lease::state).isEqualTo(LeaseState.EXPIRED);
    }

    @Test
    void aNewLeaseEndingSoonerThanAllOthersIsReclaimedOnTime() throws Exception {
        Subnet subnet = twoAddressSubnet();
        LeaseTable table = fullPool(subnet, T0.plusSeconds(100), T0.plusSeconds(100));
        InetAddress b = ip("192.0.2.11");
        assertThatThrownBy(() -> table.allocate(subnet, null, T0.plusSeconds(1)))
                .isInstanceOf(AllocationException.NoAddressAvailable.class);
        // b is replaced by a short offer hold, ending before anything the last sweep saw.
        table.record(new Lease("hw:b", "00:00:00:00:00:0b", b, LeaseState.OFFERED, T0.plusSeconds(30), null));
        assertThat(table.allocate(subnet, null, T0.plusSeconds(31))).isEqualTo(b);
    }
}
