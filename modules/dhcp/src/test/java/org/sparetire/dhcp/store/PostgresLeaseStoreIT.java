package org.sparetire.dhcp.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sparetire.core.net.Addresses;
import org.sparetire.dhcp.DhcpConfig;
import org.sparetire.dhcp.lease.Lease;
import org.sparetire.dhcp.lease.LeaseState;
import org.sparetire.testkit.NetNamespace;
import org.sparetire.testkit.PeerProgram;
import org.sparetire.testkit.PostgresCluster;

/**
 * Two stores (two servers) on one real PostgreSQL, in a namespace joined to the host by a veth pair: one
 * group commit whose claims go in one statement still decides each address on its own row.
 */
class PostgresLeaseStoreIT {
    private static final Instant NOW = Instant.now();

    @Test
    void aConflictInAGroupCommitRefusesOnlyItsOwnLease() throws Exception {
        PeerProgram.require("ip", "iproute2");
        try (NetNamespace ns = NetNamespace.create("pgst");
             PostgresCluster pg = PostgresCluster.create(ns.linkToHost("10.142.0.1/24", "10.142.0.2/24"), "10.142.0.2",
                     "sparetire")) {
            var setting = new DhcpConfig.LeaseStoreSetting(DhcpConfig.StoreType.POSTGRESQL, pg.url(), pg.user(),
                    pg.passwordFile());
            PostgresLeaseStore a = PostgresLeaseStore.open(setting, Instant::now, (up, msg) -> { });
            PostgresLeaseStore b = PostgresLeaseStore.open(setting, Instant::now, (up, msg) -> { });
            try {
                assertThat(commit(a, true, lease("x", 10, LeaseState.BOUND)).refused()).isEmpty();

                // One commit of server B: y's claim on x's address fails with x's row, z's claim succeeds.
                Map<Integer, List<Lease>> refused = commit(b, true, lease("y", 10, LeaseState.OFFERED),
                        lease("z", 11, LeaseState.OFFERED)).refused();
                assertThat(refused).containsOnlyKeys(0);
                assertThat(refused.get(0)).singleElement().satisfies(l -> {
                    assertThat(l.clientKey()).isEqualTo("x");
                    assertThat(l.state()).isEqualTo(LeaseState.BOUND);
                });

                // x, bound at .10, is offered .12 by a server that did not know: the row sends it back to .10.
                assertThat(commit(b, true, lease("x", 12, LeaseState.OFFERED)).refused().get(0))
                        .extracting(Lease::address).containsExactly(address(10));
                // Decided again (not a first try) it may move; once bound at .12, .10 is released.
                assertThat(commit(b, false, lease("x", 12, LeaseState.OFFERED)).refused()).isEmpty();
                assertThat(commit(b, true, lease("x", 12, LeaseState.BOUND)).refused()).isEmpty();

                // What server A reads back is the shared truth, whichever server wrote it.
                List<Lease> all = a.everyLease().get(10, TimeUnit.SECONDS);
                assertThat(all).extracting(l -> l.clientKey() + " " + Addresses.text(l.address()) + " " + l.state())
                        .containsExactlyInAnyOrder("x 10.142.1.10 RELEASED", "x 10.142.1.12 BOUND",
                                "z 10.142.1.11 OFFERED");
                assertThat(a.changesByOthers().get(10, TimeUnit.SECONDS)).extracting(Lease::clientKey)
                        .contains("x", "z");
            } finally {
                a.close(Duration.ofSeconds(2));
                b.close(Duration.ofSeconds(2));
            }
        }
    }

    private static LeaseStore.Commit commit(LeaseStore store, boolean firstTry, Lease... leases) throws Exception {
        return store.commit(List.of(leases), firstTry).get(10, TimeUnit.SECONDS);
    }

    private static Lease lease(String client, int host, LeaseState state) throws Exception {
        return new Lease(client, "52:54:00:00:00:" + client.charAt(0) + client.charAt(0), address(host), state,
                NOW.plus(Duration.ofHours(1)), null);
    }

    private static InetAddress address(int host) throws Exception {
        return InetAddress.getByName("10.142.1." + host);
    }
}
