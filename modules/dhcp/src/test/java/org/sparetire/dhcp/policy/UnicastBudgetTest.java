package org.sparetire.dhcp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.sparetire.dhcp.support.Requests;

class UnicastBudgetTest {
    static final long SECOND = 1_000_000_000L;

    static InetAddress ip(int i) {
        return Requests.ip("10.0." + (i / 250) + "." + (1 + i % 250));
    }

    @Test
    void newDestinationsAreCappedWithinTheWindowAndKnownOnesAlwaysPass() {
        UnicastBudget budget = new UnicastBudget(5 * SECOND, 3);
        assertThat(budget.admit(ip(1), 0)).isTrue();
        assertThat(budget.admit(ip(2), 0)).isTrue();
        assertThat(budget.admit(ip(3), SECOND)).isTrue();
        assertThat(budget.admit(ip(4), SECOND)).as("a fourth new destination").isFalse();
        for (int i = 0; i < 100; i++) {
            assertThat(budget.admit(ip(2), 2 * SECOND)).as("a destination already replied to").isTrue();
        }
        assertThat(budget.admit(ip(4), 5 * SECOND)).as("ip 1 aged out of the window").isTrue();
        assertThat(budget.admit(ip(5), 5 * SECOND)).as("ip 2 was refreshed at 2 s, ip 3 at 1 s").isFalse();
        assertThat(budget.admit(ip(5), 6 * SECOND)).isTrue();
    }

    @Test
    void aFloodOfDistinctDestinationsGetsOnlyTheCapPerWindow() {
        UnicastBudget budget = new UnicastBudget(5 * SECOND, 256);
        int passed = 0;
        for (int i = 0; i < 3000; i++) {
            passed += budget.admit(ip(i), i * 1_000_000L) ? 1 : 0; // 3,000 in 3 s
        }
        assertThat(passed).isEqualTo(256);
    }
}
