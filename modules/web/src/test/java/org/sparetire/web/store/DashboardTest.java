package org.sparetire.web.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sparetire.testkit.Events.ack;
import static org.sparetire.testkit.Events.finished;
import static org.sparetire.testkit.Events.ip;
import static org.sparetire.testkit.Events.lease;
import static org.sparetire.testkit.Events.progress;
import static org.sparetire.testkit.Events.started;
import static org.sparetire.testkit.Events.syslog;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparetire.core.event.LeaseEventKind;
import org.sparetire.core.event.TransferDirection;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.event.TransferProgress;
import org.sparetire.core.event.TransferStarted;
import org.sparetire.testkit.ManualClock;
import org.sparetire.web.WebConfig;

class DashboardTest {
    private static final String A = "52:54:00:00:00:0a";
    private static final String B = "52:54:00:00:00:0b";

    private final ManualClock clock = new ManualClock();
    private final Dashboard dashboard = new Dashboard(WebConfig.History.DEFAULTS, clock);

    private Instant tick(long seconds) {
        clock.advance(Duration.ofSeconds(seconds));
        return clock.now();
    }

    private static List<String> story(List<TimelineEntry> entries) {
        List<String> out = new ArrayList<>();
        for (TimelineEntry e : entries) {
            out.add(e.kind() + " " + (e.mac() == null ? "-" : e.mac().substring(15)) + " "
                    + (e.address() == null ? "-" : e.address().getHostAddress()) + " " + e.summary().split(" ")[0]);
        }
        return out;
    }

    /** An HTTP boot download joins the device by its leased address, beside the TFTP chainload before it. */
    @Test
    void httpBootDownloadsJoinTheDeviceLikeTftpTransfers() {
        dashboard.accept(ack(tick(1), A, "10.0.0.50", Duration.ofHours(1)));
        dashboard.accept(started(tick(1), 1, "10.0.0.50", "ipxe.efi", 100));
        dashboard.accept(finished(tick(1), 1, "10.0.0.50", "ipxe.efi", 100, Duration.ofSeconds(1),
                TransferOutcome.COMPLETED));
        InetSocketAddress peer = new InetSocketAddress(ip("10.0.0.50"), 49152);
        dashboard.accept(new TransferStarted(tick(1), 2, peer, TransferDirection.READ, "/vmlinuz", "http",
                Map.of("status", "200"), 5000, "http-boot"));
        dashboard.accept(new TransferProgress(tick(1), 2, peer, 2500, 5000, 0, "http-boot"));
        assertThat(dashboard.activeTransfers()).singleElement().satisfies(t -> {
            assertThat(t.mac()).isEqualTo(A);
            assertThat(t.fraction()).isEqualTo(0.5);
        });
        dashboard.accept(new TransferFinished(tick(1), 2, peer, TransferDirection.READ, "/vmlinuz", "http",
                Map.of("status", "200"), 5000, Duration.ofSeconds(2), 0, TransferOutcome.COMPLETED, "", "http-boot"));
        assertThat(story(dashboard.timeline(A))).containsExactly(
                "dhcp 0a 10.0.0.50 ACKED",
                "tftp 0a 10.0.0.50 read",
                "tftp 0a 10.0.0.50 read",
                "http-boot 0a 10.0.0.50 read",
                "http-boot 0a 10.0.0.50 read");
        assertThat(dashboard.timeline(A).get(4).transfer()).isEqualTo(2);
        assertThat(dashboard.recentTransfers(t -> true, 10)).extracting(TransferView::mac).containsOnly(A);
        assertThat(dashboard.totals().bytesSent()).isEqualTo(5100);
    }

    @Test
    void timelineFollowsADeviceThatChangesAddressWhileAnotherTakesItsOldOne() {
        dashboard.accept(ack(tick(1), A, "10.0.0.50", Duration.ofHours(1)));
        dashboard.accept(started(tick(1), 1, "10.0.0.50", "ipxe.efi", 100));
        dashboard.accept(finished(tick(1), 1, "10.0.0.50", "ipxe.efi", 100, Duration.ofSeconds(1),
                TransferOutcome.COMPLETED));
        // A moves to .51 (e.g. a reservation added); B is then given A's old address.
        dashboard.accept(ack(tick(10), A, "10.0.0.51", Duration.ofHours(1)));
        dashboard.accept(ack(tick(1), B, "10.0.0.50", Duration.ofHours(1)));
        dashboard.accept(syslog(tick(1), "10.0.0.50", 6, "B says hello from .50"));
        dashboard.accept(syslog(tick(1), "10.0.0.51", 6, "A says hello from .51"));

        assertThat(story(dashboard.timeline(A))).containsExactly(
                "dhcp 0a 10.0.0.50 ACKED",
                "tftp 0a 10.0.0.50 read",
                "tftp 0a 10.0.0.50 read",
                "dhcp 0a 10.0.0.51 ACKED",
                "syslog 0a 10.0.0.51 info");
        assertThat(story(dashboard.timeline(B))).containsExactly(
                "dhcp 0b 10.0.0.50 ACKED",
                "syslog 0b 10.0.0.50 info");
        // The address view tells both owners' stories, each attributed to the device of its time.
        assertThat(story(dashboard.timeline("10.0.0.50"))).containsExactly(
                "dhcp 0a 10.0.0.50 ACKED",
                "tftp 0a 10.0.0.50 read",
                "tftp 0a 10.0.0.50 read",
                "dhcp 0b 10.0.0.50 ACKED",
                "syslog 0b 10.0.0.50 info");
        assertThat(dashboard.holderNow(ip("10.0.0.50"))).hasValue(B);
        assertThat(dashboard.holderNow(ip("10.0.0.51"))).hasValue(A);
    }

    @Test
    void eventsAreAttributedByTheirOwnTimeNotByArrivalOrder() {
        Instant t0 = tick(1);
        dashboard.accept(ack(t0, A, "10.0.0.50", Duration.ofHours(1)));
        dashboard.accept(ack(t0.plusSeconds(60), B, "10.0.0.50", Duration.ofHours(1)));
        // A syslog line stamped before B took the address arrives late: it is still A's.
        dashboard.accept(syslog(t0.plusSeconds(30), "10.0.0.50", 3, "late line from A"));
        assertThat(story(dashboard.timeline(A))).containsExactly("dhcp 0a 10.0.0.50 ACKED", "syslog 0a 10.0.0.50 err");
        assertThat(story(dashboard.timeline(B))).containsExactly("dhcp 0b 10.0.0.50 ACKED");
    }

    @Test
    void leaseExpiryAndReleaseEndTheJoin() {
        dashboard.accept(ack(tick(1), A, "10.0.0.50", Duration.ofMinutes(10)));
        dashboard.accept(syslog(tick(60), "10.0.0.50", 6, "within lease"));
        assertThat(dashboard.leaseStates().get(LeaseView.LeaseState.BOUND)).isEqualTo(1);

        tick(600); // past expiry, with no EXPIRED event: the clock alone decides.
        dashboard.accept(syslog(clock.now(), "10.0.0.50", 6, "after expiry"));
        assertThat(dashboard.leaseStates().get(LeaseView.LeaseState.EXPIRED)).isEqualTo(1);
        assertThat(dashboard.holderNow(ip("10.0.0.50"))).isEmpty();
        assertThat(story(dashboard.timeline(A))).containsExactly("dhcp 0a 10.0.0.50 ACKED", "syslog 0a 10.0.0.50 info");
        assertThat(story(dashboard.timeline("10.0.0.50"))).last().isEqualTo("syslog - 10.0.0.50 info");

        dashboard.accept(ack(tick(1), B, "10.0.0.60", Duration.ofHours(1)));
        dashboard.accept(lease(tick(5), LeaseEventKind.RELEASED, B, null, null));
        dashboard.accept(syslog(tick(1), "10.0.0.60", 6, "after release"));
        assertThat(dashboard.lease(B).orElseThrow().state(clock.now())).isEqualTo(LeaseView.LeaseState.RELEASED);
        assertThat(dashboard.lease(B).orElseThrow().address()).isEqualTo(ip("10.0.0.60"));
        assertThat(story(dashboard.timeline(B))).containsExactly("dhcp 0b 10.0.0.60 ACKED", "dhcp 0b 10.0.0.60 RELEASED");
    }

    @Test
    void lookingAtADeviceDoesNotSaveItFromEviction() {
        Dashboard d = new Dashboard(new WebConfig.History(10, 10, 10, 10, 10, 10), clock);
        for (int i = 0; i < 10; i++) {
            d.accept(ack(tick(1), String.format("52:54:00:00:00:%02x", i), "10.0.0." + (i + 1), Duration.ofHours(1)));
        }
        d.timeline("52:54:00:00:00:00");
        d.lease("52:54:00:00:00:00");
        d.accept(ack(tick(1), "52:54:00:00:00:ff", "10.0.0.99", Duration.ofHours(1)));
        assertThat(d.timeline("52:54:00:00:00:00")).isEmpty();
        assertThat(d.lease("52:54:00:00:00:00")).isEmpty();
        assertThat(d.timeline("52:54:00:00:00:01")).hasSize(1);
    }

    @Test
    void architectureComesFromOption93OrElseThePxeVendorClass() {
        LeaseView fromVendor = new LeaseView(A, ip("10.0.0.5"), null, "PXEClient:Arch:00009:UNDI:003016", -1, null,
                null, null, null, LeaseEventKind.ACKED, clock.now(), null, null, java.util.Map.of());
        assertThat(fromVendor.effectiveArchitecture()).isEqualTo(9);
        LeaseView both = new LeaseView(A, ip("10.0.0.5"), null, "PXEClient:Arch:00009:UNDI:003016", 7, null,
                null, null, null, LeaseEventKind.ACKED, clock.now(), null, null, java.util.Map.of());
        assertThat(both.effectiveArchitecture()).as("option 93 wins").isEqualTo(7);
        LeaseView phone = new LeaseView(A, ip("10.0.0.5"), null, "yealink", -1, null,
                null, null, null, LeaseEventKind.ACKED, clock.now(), null, null, java.util.Map.of());
        assertThat(phone.effectiveArchitecture()).isEqualTo(-1);
        assertThat(LeaseView.architectureName(9)).isEqualTo("x64 UEFI (EFI BC)");
    }

    @Test
    void restoredLeasesShowAndJoinButInventNoHistory() {
        Instant acked = tick(1);
        tick(3600);
        dashboard.restore(List.of(ack(acked, A, "10.0.0.50", Duration.ofHours(8))));
        assertThat(dashboard.lease(A).orElseThrow().state(clock.now())).isEqualTo(LeaseView.LeaseState.BOUND);
        assertThat(dashboard.timeline(A)).isEmpty();
        assertThat(dashboard.totals().leaseEvents()).isZero();
        dashboard.accept(syslog(tick(1), "10.0.0.50", 6, "after restart"));
        assertThat(story(dashboard.timeline(A))).containsExactly("syslog 0a 10.0.0.50 info");

        // A lease the dashboard saw change later is not overwritten by an older snapshot.
        dashboard.accept(lease(tick(1), LeaseEventKind.RELEASED, A, null, null));
        dashboard.restore(List.of(ack(acked, A, "10.0.0.50", Duration.ofHours(8))));
        assertThat(dashboard.lease(A).orElseThrow().lastEvent()).isEqualTo(LeaseEventKind.RELEASED);
    }

    @Test
    void leasesFromASharedStoreJoinWithoutLosingWhatTheDashboardKnows() {
        org.sparetire.core.event.LeaseEvent rich = new org.sparetire.core.event.LeaseEvent(tick(1), LeaseEventKind.ACKED, A, null, ip("10.0.0.50"), "sw1",
                "PXEClient:Arch:00007:UNDI:003016", 7, null, null, null, clock.now().plus(Duration.ofHours(1)), null,
                java.util.Map.of());
        dashboard.accept(rich);
        Instant later = tick(60);
        // The same lease as the store has it: nothing new, the view stays as it was.
        dashboard.learnShared(List.of(stored(later, A, "10.0.0.50", Duration.ofMinutes(59))));
        assertThat(dashboard.lease(A).orElseThrow().updatedAt()).isEqualTo(rich.at());
        // Renewed through the other server: the new expiry, with what this dashboard knew of the device.
        dashboard.learnShared(List.of(stored(later, A, "10.0.0.50", Duration.ofHours(2))));
        LeaseView renewed = dashboard.lease(A).orElseThrow();
        assertThat(renewed.expires()).isEqualTo(later.plus(Duration.ofHours(2)));
        assertThat(renewed.vendorClass()).isEqualTo("PXEClient:Arch:00007:UNDI:003016");
        assertThat(renewed.architecture()).isEqualTo(7);
        // A lease only the other server granted appears, without history.
        dashboard.learnShared(List.of(stored(later, B, "10.0.0.51", Duration.ofHours(1))));
        assertThat(dashboard.lease(B).orElseThrow().state(clock.now())).isEqualTo(LeaseView.LeaseState.BOUND);
        assertThat(dashboard.timeline(B)).isEmpty();
    }

    /** A lease as the app reads it from the shared store: no more than the row holds. */
    private static org.sparetire.core.event.LeaseEvent stored(Instant at, String mac, String address, Duration lease) {
        return new org.sparetire.core.event.LeaseEvent(at, LeaseEventKind.ACKED, mac, null, ip(address), null, null, -1,
                null, null, null, at.plus(lease), null, Map.of());
    }

    @Test
    void macsInAnySpellingNameTheSameDevice() {
        dashboard.accept(ack(tick(1), "52:54:00:00:00:0A", "10.0.0.50", Duration.ofHours(1)));
        assertThat(dashboard.timeline("52-54-00-00-00-0a")).hasSize(1);
        assertThat(dashboard.lease(A)).isPresent();
    }

    @Test
    void progressGivesRateEtaAndFraction() {
        Instant t0 = tick(1);
        dashboard.accept(started(t0, 5, "10.0.0.9", "fw.bin", 10_000));
        dashboard.accept(progress(t0.plusSeconds(2), 5, "10.0.0.9", 4_000, 10_000));
        TransferView v = dashboard.activeTransfers().get(0);
        assertThat(v.fraction()).isEqualTo(0.4);
        assertThat(v.bytesPerSecond()).isEqualTo(2_000);
        assertThat(v.etaSeconds()).isEqualTo(3);

        dashboard.accept(finished(t0.plusSeconds(5), 5, "10.0.0.9", "fw.bin", 10_000, Duration.ofSeconds(5),
                TransferOutcome.COMPLETED));
        assertThat(dashboard.activeTransfers()).isEmpty();
        TransferView done = dashboard.recentTransfers(t -> true, 10).get(0);
        assertThat(done.fraction()).isEqualTo(1.0);
        assertThat(done.etaSeconds()).isEqualTo(-1);
        assertThat(dashboard.totals().bytesSent()).isEqualTo(10_000);
    }

    @Test
    void aTransferWhoseFinishWasLostIsDroppedAfterTenSilentMinutes() {
        dashboard.accept(started(tick(1), 6, "10.0.0.9", "stuck.bin", -1));
        tick(599);
        assertThat(dashboard.activeTransfers()).hasSize(1);
        tick(2);
        assertThat(dashboard.activeTransfers()).isEmpty();
    }

    @Test
    void everyHistoryIsBounded() {
        WebConfig.History small = new WebConfig.History(10, 20, 10, 10, 10, 10);
        Dashboard d = new Dashboard(small, clock);
        for (int i = 0; i < 5_000; i++) {
            String mac = String.format("52:54:00:00:%02x:%02x", (i >> 8) & 0xff, i & 0xff);
            String address = "10.1." + ((i >> 8) & 0xff) + "." + (i & 0xff);
            d.accept(ack(tick(1), mac, address, Duration.ofHours(1)));
            d.accept(started(clock.now(), i, address, "f" + i, 10));
            d.accept(finished(clock.now(), i, address, "f" + i, 10, Duration.ofMillis(1), TransferOutcome.COMPLETED));
            d.accept(syslog(clock.now(), address, 6, "line " + i));
            d.accept(new org.sparetire.core.event.ServiceWarning(clock.now(), "dhcp", "warning " + i));
        }
        for (int i = 0; i < 100; i++) {
            d.accept(syslog(tick(1), "10.1.19.135", 6, "chatty " + i));
        }
        assertThat(d.recentTransfers(t -> true, 1_000_000)).hasSize(10);
        assertThat(d.syslog(l -> true, 0, 1_000_000)).hasSize(20);
        assertThat(d.leases()).hasSize(10);
        assertThat(d.devices()).hasSize(10);
        assertThat(d.timeline("52:54:00:00:13:87")).hasSize(10);
        assertThat(d.warnings(1_000_000)).hasSize(10);
        // The newest survive.
        assertThat(d.syslog(l -> true, 0, 1).get(0).message()).isEqualTo("chatty 99");
        assertThat(d.historyUse()).containsEntry("syslog", "20/20").containsEntry("devices", "10/10");
    }

    @Test
    void shrinkingTheLimitsForgetsTheOldestAtOnce() {
        for (int i = 0; i < 50; i++) {
            dashboard.accept(syslog(tick(1), "10.0.0.1", 6, "line " + i));
        }
        dashboard.resize(new WebConfig.History(10, 10, 10, 10, 10, 10));
        List<SyslogLine> left = dashboard.syslog(l -> true, 0, 100);
        assertThat(left).hasSize(10);
        assertThat(left.get(9).message()).isEqualTo("line 40");
        assertThat(dashboard.timeline("10.0.0.1")).hasSize(10);
    }

    @Test
    void proxyDhcpLearnsTheAddressFromWhereTheRequestCameFrom() {
        org.sparetire.core.event.LeaseEvent proxy = new org.sparetire.core.event.LeaseEvent(tick(1),
                LeaseEventKind.PROXY_OFFERED, A, null, null, null, "PXEClient", 7, null, "uefi", "ipxe.efi", null,
                org.sparetire.testkit.Events.peer("192.168.5.23", 4011), java.util.Map.of());
        dashboard.accept(proxy);
        dashboard.accept(started(tick(1), 9, "192.168.5.23", "ipxe.efi", 10));
        assertThat(dashboard.activeTransfers().get(0).mac()).isEqualTo(A);
        // A relayed request (from port 67) names the relay, not the client: no join from it.
        org.sparetire.core.event.LeaseEvent relayed = new org.sparetire.core.event.LeaseEvent(tick(1),
                LeaseEventKind.PROXY_OFFERED, B, null, null, null, null, -1, null, null, null, null,
                org.sparetire.testkit.Events.peer("192.168.9.1", 67), java.util.Map.of());
        dashboard.accept(relayed);
        assertThat(dashboard.holderNow(ip("192.168.9.1"))).isEmpty();
    }

    @Test
    void listenersSeeEveryUpdateInOrder() {
        List<String> seen = new ArrayList<>();
        dashboard.addListener(u -> seen.add(u.topic()));
        dashboard.accept(ack(tick(1), A, "10.0.0.50", Duration.ofHours(1)));
        dashboard.accept(syslog(tick(1), "10.0.0.50", 6, "x"));
        assertThat(seen).containsExactly("lease", "timeline", "syslog", "timeline");
    }

    @Test
    void aTransferWithoutAnAnswerForLongerThanItsTimeoutIsStalledNotCountingDown() {
        dashboard.accept(started(tick(1), 7, "10.0.0.50", "fw.bin", 4000));
        dashboard.accept(progress(tick(1), 7, "10.0.0.50", 1000, 4000));
        assertThat(dashboard.activeTransfers()).singleElement().satisfies(t -> {
            assertThat(t.stalledSeconds()).isEqualTo(-1);
            assertThat(t.etaSeconds()).isPositive();
        });
        dashboard.accept(progress(tick(1), 7, "10.0.0.50", 1000, 4000));
        dashboard.accept(progress(tick(2), 7, "10.0.0.50", 1000, 4000));
        assertThat(dashboard.activeTransfers()).singleElement().satisfies(t -> {
            assertThat(t.stalledSeconds()).isEqualTo(3);
            assertThat(t.etaSeconds()).isEqualTo(-1);
        });
        dashboard.accept(progress(tick(1), 7, "10.0.0.50", 2000, 4000));
        assertThat(dashboard.activeTransfers()).singleElement().satisfies(t -> assertThat(t.stalledSeconds()).isEqualTo(-1));
    }

    @Test
    void aFinishedUploadSaysWhereItWasSaved() {
        InetSocketAddress peer = new InetSocketAddress(ip("10.0.0.51"), 49153);
        java.nio.file.Path saved = java.nio.file.Path.of("/srv/backups/10.0.0.51/switch.cfg.20260301T120000Z");
        dashboard.accept(new TransferFinished(tick(1), 8, peer, TransferDirection.WRITE, "switch.cfg", "octet", Map.of(),
                5000, Duration.ofSeconds(1), 0, TransferOutcome.COMPLETED, "", "tftp", saved));
        assertThat(dashboard.recentTransfers(t -> true, 10)).singleElement()
                .satisfies(t -> assertThat(t.savedAs()).isEqualTo(saved.toString()));
    }
}
