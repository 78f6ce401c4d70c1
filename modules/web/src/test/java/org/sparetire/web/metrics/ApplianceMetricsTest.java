package org.sparetire.web.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.sparetire.core.event.Event;
import org.sparetire.core.event.LeaseEventKind;
import org.sparetire.core.event.ServiceWarning;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.testkit.ManualClock;
import org.sparetire.web.ApplianceControl;
import org.sparetire.testkit.Events;
import org.sparetire.web.FakeAppliance;
import org.sparetire.web.WebConfig;
import org.sparetire.web.store.Dashboard;

class ApplianceMetricsTest {
    private final ManualClock clock = new ManualClock();
    private final Dashboard dashboard = new Dashboard(WebConfig.History.DEFAULTS, clock);

    private ApplianceControl control;

    private ApplianceMetrics metrics(ApplianceControl control) {
        this.control = control;
        return new ApplianceMetrics(dashboard, () -> control);
    }

    private static void feed(ApplianceMetrics m, Dashboard d, Event e) {
        d.accept(e);
        m.accept(e);
    }

    private String text(ApplianceMetrics m) {
        return new String(m.scrape(control.pools().join()), StandardCharsets.UTF_8);
    }

    @Test
    void countsTransfersLeasesAndSyslogFromEvents() throws Exception {
        ApplianceMetrics m = metrics(new FakeAppliance("web: {}\n"));
        feed(m, dashboard, Events.started(clock.now(), 1, "10.0.0.1", "a", 100));
        assertThat(text(m)).contains("sparetire_tftp_active_transfers 1.0")
                .contains("sparetire_tftp_transfers_started_total{direction=\"read\"} 1.0");
        feed(m, dashboard, Events.finished(clock.now(), 1, "10.0.0.1", "a", 100, Duration.ofSeconds(1),
                TransferOutcome.COMPLETED));
        feed(m, dashboard, Events.finished(clock.now(), 2, "10.0.0.1", "b", 7, Duration.ofSeconds(9),
                TransferOutcome.TIMED_OUT));
        feed(m, dashboard, Events.ack(clock.now(), "52:54:00:00:00:01", "10.0.0.1", Duration.ofMinutes(10)));
        feed(m, dashboard, Events.lease(clock.now(), LeaseEventKind.NAKED, "52:54:00:00:00:02", null, null));
        feed(m, dashboard, Events.syslog(clock.now(), "10.0.0.1", 3, "x"));
        feed(m, dashboard, Events.syslog(clock.now(), "10.0.0.1", -1, "no priority"));
        feed(m, dashboard, new ServiceWarning(clock.now(), "dhcp", "rogue"));

        assertThat(text(m))
                .contains("sparetire_tftp_active_transfers 0.0")
                .contains("sparetire_tftp_transfers_total{direction=\"read\",outcome=\"completed\"} 1.0")
                .contains("sparetire_tftp_transfers_total{direction=\"read\",outcome=\"timed_out\"} 1.0")
                .contains("sparetire_tftp_bytes_total{direction=\"read\"} 107.0")
                .contains("sparetire_tftp_retransmits_total 4.0")
                .contains("sparetire_dhcp_lease_events_total{kind=\"acked\"} 1.0")
                .contains("sparetire_dhcp_lease_events_total{kind=\"naked\"} 1.0")
                .contains("sparetire_dhcp_leases{state=\"bound\"} 1.0")
                .contains("sparetire_dhcp_leases{state=\"naked\"} 1.0")
                .contains("sparetire_syslog_messages_received_total{severity=\"err\"} 1.0")
                .contains("sparetire_syslog_messages_received_total{severity=\"none\"} 1.0")
                .contains("sparetire_warnings_total{service=\"dhcp\"} 1.0")
                .contains("sparetire_dhcp_pool_utilisation_ratio{pool=\"lab 10.77.0.100-10.77.0.199\"} 0.25")
                .contains("sparetire_dhcp_pool_addresses{pool=\"lab 10.77.0.100-10.77.0.199\"} 100.0")
                .contains("sparetire_syslog_messages_dropped_total 3.0")
                .contains("sparetire_dhcp_dropped_total{reason=\"inform-rate\"} 5.0")
                .contains("sparetire_dhcp_dropped_total{reason=\"unicast-queue-full\"} 0.0")
                .contains("sparetire_dhcp_lease_store_up 0.0");

        // The lease gauge follows the clock: ten minutes on, the bound lease has expired.
        clock.advance(Duration.ofMinutes(10));
        assertThat(text(m)).contains("sparetire_dhcp_leases{state=\"bound\"} 0.0")
                .contains("sparetire_dhcp_leases{state=\"expired\"} 1.0");
    }

    @Test
    void optionalCapabilitiesAreLeftOutNotFaked() {
        ApplianceControl bare = ApplianceControl.of(() -> {
            throw new IllegalStateException("the appliance is still starting");
        }, () -> null, java.util.Optional::empty, () -> null);
        String text = text(metrics(bare));
        assertThat(text).doesNotContain("sparetire_syslog_messages_dropped_total ")
                .doesNotContain("sparetire_dhcp_pool_utilisation_ratio{")
                .doesNotContain("sparetire_service_up{")
                .contains("# HELP sparetire_tftp_active_transfers");
    }
}
