package org.sparetire.app.terminal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sparetire.testkit.Events.ack;
import static org.sparetire.testkit.Events.finished;
import static org.sparetire.testkit.Events.progress;
import static org.sparetire.testkit.Events.started;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.event.ServiceStateChanged;
import org.sparetire.core.event.ServiceWarning;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.lifecycle.ServiceState;
import org.sparetire.testkit.ManualClock;

class TerminalStatusTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));

    private TerminalStatus fed(boolean unicode) {
        TerminalStatus s = new TerminalStatus(ZoneOffset.UTC, unicode);
        Instant t = clock.now();
        s.accept(new ServiceStateChanged(t, "tftp", ServiceState.RUNNING, ""));
        s.accept(new ServiceStateChanged(t, "dhcp", ServiceState.FAILED, "bind"));
        s.accept(ack(t, "52:54:00:00:00:0a", "10.0.0.50", Duration.ofHours(1)));
        s.accept(started(t, 1, "10.0.0.50", "images/ipxe.efi", 4000));
        s.accept(progress(t.plusSeconds(2), 1, "10.0.0.50", 1000, 4000));
        s.accept(started(t, 2, "10.0.0.51", "unknown-size.bin", -1));
        s.accept(progress(t.plusSeconds(1), 2, "10.0.0.51", 2048, -1));
        s.accept(started(t, 3, "10.0.0.52", "done.bin", 10));
        s.accept(finished(t.plusSeconds(1), 3, "10.0.0.52", "done.bin", 3 * 1024 * 1024, Duration.ofMillis(1500),
                TransferOutcome.COMPLETED));
        s.accept(new ServiceWarning(t, "dhcp", "another DHCP server answers on eth1 (10.0.0.254)"));
        return s;
    }

    @Test
    void rendersAFrameWithBarsLeasesAndFinishedTransfers() {
        assertThat(fed(true).frame(clock.now().plusSeconds(3), 100)).isEqualTo("""
                sparetire  dhcp ○ failed  tftp ● running                                                    12:00:03
                ! dhcp: another DHCP server answers on eth1 (10.0.0.254)
                Transfers: 2 active
                  10.0.0.51       < unknown-size.bin            2.00 KiB  2.00 KiB/s
                  10.0.0.50       < images/ipxe.efi             [█████░░░░░░░░░░░░░░░]  25%  500 B/s  eta 6s
                Finished
                  12:00:01  completed  10.0.0.52  done.bin  3.00 MiB in 1.5 s, 2 retx
                Leases
                  12:00:00  acked    52:54:00:00:00:0a  10.0.0.50  phone-0a  class uefi-x64  boot ipxe.efi
                """);
    }

    @Test
    void plainAsciiAndNarrowTerminalsStillFit() {
        String frame = fed(false).frame(clock.now(), 90);
        assertThat(frame).contains("[#####---------------]").doesNotContain("█").doesNotContain("●");
        String narrow = fed(false).frame(clock.now(), 50);
        assertThat(narrow.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(50));
        assertThat(narrow).contains("  10.0.0.50       < ~pxe.efi  [#####");
    }

    @Test
    void theScreenStaysBoundedWhateverTheStream() {
        TerminalStatus s = new TerminalStatus(ZoneOffset.UTC, true);
        for (int i = 0; i < 10_000; i++) {
            s.accept(started(clock.now(), i, "10.0.0.1", "f" + i, 100));
            s.accept(ack(clock.now(), String.format("52:54:00:00:%02x:%02x", i >> 8 & 0xff, i & 0xff), "10.0.1.1",
                    Duration.ofHours(1)));
        }
        String frame = s.frame(clock.now(), 120);
        assertThat(frame).contains("Transfers: " + 4 * TerminalStatus.ACTIVE_SHOWN + " active")
                .contains("... and " + (3 * TerminalStatus.ACTIVE_SHOWN) + " more");
        assertThat(frame.lines().count()).isLessThanOrEqualTo(1 + 1 + TerminalStatus.ACTIVE_SHOWN + 1 + 1
                + TerminalStatus.LEASES_SHOWN);
    }

    @Test
    void aDisplayStartedLateTakesServiceStatesFromHealth() throws Exception {
        EventBus bus = new EventBus();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        java.util.Map<String, org.sparetire.core.lifecycle.ServiceHealth> health = java.util.Map.of(
                "tftp", org.sparetire.core.lifecycle.ServiceHealth.of(ServiceState.RUNNING));
        try (TerminalDisplay d = TerminalDisplay.start(bus, clock, out, () -> 80, Duration.ofMillis(20), true,
                () -> health)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!bytes.toString(StandardCharsets.UTF_8).contains("tftp ● running") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(d.status().frame(clock.now(), 80)).contains("tftp ● running");
        }
    }

    @Test
    void theDisplayDrawsInPlaceAndStopsListening() throws Exception {
        EventBus bus = new EventBus();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        bus.publish(new ServiceStateChanged(clock.now(), "early", ServiceState.RUNNING, ""));
        try (TerminalDisplay d = TerminalDisplay.start(bus, clock, out, () -> 80, Duration.ofMillis(20), true)) {
            bus.publish(new ServiceStateChanged(clock.now(), "syslog", ServiceState.RUNNING, ""));
            assertThat(d.status().frame(clock.now(), 80)).contains("syslog ● running");
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!bytes.toString(StandardCharsets.UTF_8).contains("syslog ● running") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        String written = bytes.toString(StandardCharsets.UTF_8);
        assertThat(written).startsWith("\u001b[H\u001b[J").contains("syslog ● running").doesNotContain("early");
    }

    @Test
    void aTransferWithoutAnAnswerForLongerThanItsTimeoutShowsStalledNotAnEta() {
        TerminalStatus s = new TerminalStatus(ZoneOffset.UTC, false);
        Instant t = clock.now();
        s.accept(started(t, 1, "10.0.0.50", "fw.bin", 4000));
        s.accept(progress(t.plusSeconds(1), 1, "10.0.0.50", 1000, 4000));
        s.accept(progress(t.plusSeconds(2), 1, "10.0.0.50", 1000, 4000));
        assertThat(s.frame(t.plusSeconds(2), 100)).contains("eta").doesNotContain("stalled");
        s.accept(progress(t.plusSeconds(5), 1, "10.0.0.50", 1000, 4000));
        assertThat(s.frame(t.plusSeconds(9), 100)).contains("1000 B of 3.91 KiB  stalled 8s (no answer)")
                .doesNotContain("eta");
        s.accept(progress(t.plusSeconds(10), 1, "10.0.0.50", 2000, 4000));
        assertThat(s.frame(t.plusSeconds(10), 100)).doesNotContain("stalled");
    }

    @Test
    void thePointersStayOnTopUnderTheHeader() {
        TerminalStatus s = fed(false);
        s.here(java.util.List.of("Dashboard  http://127.0.0.1:8069/", "This machine  eth1 192.168.50.1/24"));
        String[] lines = s.frame(clock.now(), 100).split("\n");
        assertThat(lines[1]).isEqualTo("Dashboard  http://127.0.0.1:8069/");
        assertThat(lines[2]).isEqualTo("This machine  eth1 192.168.50.1/24");
    }

    @Test
    void aRedrawRewritesOnlyTheLinesThatChanged() {
        String[] before = {"sparetire  tftp * running   12:00:00", "Transfers: 0 active", "Leases"};
        String[] after = {"sparetire  tftp * running   12:00:01", "Transfers: 0 active"};
        assertThat(TerminalDisplay.redraw(before, after))
                .isEqualTo("\u001b[1;1Hsparetire  tftp * running   12:00:01\u001b[K\u001b[3;1H\u001b[J");
        assertThat(TerminalDisplay.redraw(after, after)).isEmpty();
        assertThat(TerminalDisplay.redraw(null, after)).startsWith("\u001b[H\u001b[J").endsWith("Transfers: 0 active\n");
    }
}
