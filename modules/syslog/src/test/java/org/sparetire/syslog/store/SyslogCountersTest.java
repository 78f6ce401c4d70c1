package org.sparetire.syslog.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SyslogCountersTest {
    @Test
    void theDashboardGetsWordsAndOnlyTheLossesThatHappened() {
        SyslogCounters c = new SyslogCounters();
        c.received.add(12);
        c.filed.add(9);
        assertThat(c.describe()).isEqualTo("12 received, 9 filed");
        c.rateLimited.add(3);
        assertThat(c.describe()).isEqualTo("12 received, 9 filed, 3 over the rate limit").doesNotContain("=");
    }
}
