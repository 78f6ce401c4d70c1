package org.sparetire.dhcp.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sparetire.dhcp.support.Requests.ip;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparetire.dhcp.DhcpConfig;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.codec.OptionCatalog;
import org.sparetire.dhcp.codec.Octets;
import org.sparetire.dhcp.support.Configs;
import org.sparetire.dhcp.support.Requests;

class ReplyPlannerTest {
    static final DhcpConfig CONFIG = Configs.load("""
            dhcp:
              subnets:
                - network: 10.0.0.0/24
                  ranges: [{from: 10.0.0.100, to: 10.0.0.199}]
                  router: 10.0.0.1
                  dns: [10.0.0.1]
                  domain: bench.lan
                  next-server: 10.0.0.5
              reservations:
                - {mac: "00:11:22:33:44:55", address: 10.0.0.10, boot-file: recovery/uImage}
              classes:
                - name: ipxe
                  match: {user-class: iPXE}
                  boot-file: boot.ipxe
                - name: uefi
                  match: {arch: [efi-x64]}
                  boot-file: ipxe.efi
                - name: bios
                  match: {arch: [bios]}
                  boot-file: undionly.kpxe
                - name: cisco
                  match: {vendor-class: "Cisco Systems"}
                  options:
                    tftp-server-address: [10.0.0.5, 10.0.0.6]
                - name: yealink
                  match: {vendor-class: yealink}
                  options:
                    tftp-server-name: "tftp://10.0.0.5/y"
                    vendor-specific:
                      sub-options: [{code: 1, text: "tftp://10.0.0.5/y.cfg"}]
                - name: rack-7
                  match: {circuit-id: "ge-0/0/7"}
                  boot-file: rack7.bin
                - name: acme-oui
                  match: {mac-prefix: "02:ac:e0"}
                  boot-file: acme.bin
            """);
    private final ReplyPlanner planner = new ReplyPlanner(CONFIG.classes());
    private final DhcpConfig.Subnet subnet = CONFIG.subnets().get(0);

    private BootPlan plan(Requests r) {
        return planner.plan(ClientFacts.of(r.build()), subnet, ReplyPlanner.reservationFor(CONFIG, r.build().mac(), null)
                .orElse(null), ip("10.0.0.1"), Duration.ofHours(1), false);
    }

    @Test
    void arch7And9BothMeanUefiX64() {
        assertThat(plan(Requests.of(MessageType.DISCOVER).arch(7)).bootFile()).isEqualTo("ipxe.efi");
        assertThat(plan(Requests.of(MessageType.DISCOVER).arch(9)).bootFile()).isEqualTo("ipxe.efi");
        assertThat(plan(Requests.of(MessageType.DISCOVER).arch(0)).bootFile()).isEqualTo("undionly.kpxe");
        assertThat(plan(Requests.of(MessageType.DISCOVER).arch(11)).matchedClass()).isNull();
    }

    @Test
    void ipxeGetsTheScriptEvenOnUefiSoChainloadingNeverLoops() {
        BootPlan p = plan(Requests.of(MessageType.DISCOVER).arch(7).text(OptionCatalog.USER_CLASS, "iPXE"));
        assertThat(p.matchedClass()).isEqualTo("ipxe");
        assertThat(p.bootFile()).isEqualTo("boot.ipxe");
    }

    @Test
    void bootFileAlwaysFillsSiaddrAndFileButOptions66And67OnlyWhenAsked() {
        BootPlan quiet = plan(Requests.of(MessageType.DISCOVER).arch(0).prl(1, 3));
        assertThat(quiet.nextServer()).isEqualTo(ip("10.0.0.5"));
        assertThat(quiet.bootFile()).isEqualTo("undionly.kpxe");
        assertThat(quiet.options()).doesNotContainKeys(66, 67);
        BootPlan asking = plan(Requests.of(MessageType.DISCOVER).arch(0).prl(67, 66, 1));
        assertThat(asking.options().keySet()).startsWith(67, 66, 1);
        assertThat(asking.options().get(66).text()).isEqualTo("10.0.0.5");
        assertThat(asking.options().get(67).text()).isEqualTo("undionly.kpxe");
    }

    @Test
    void optionsFollowTheParameterRequestListOrderAndUnaskedOnesStayHome() {
        BootPlan p = plan(Requests.of(MessageType.DISCOVER).prl(15, 6, 3));
        assertThat(p.options().keySet()).containsExactly(15, 6, 3, 1, 51, 58, 59);
        // No option 55 at all (BOOTP-style): send everything configured.
        assertThat(plan(Requests.of(MessageType.DISCOVER)).options()).containsKeys(1, 3, 6, 15);
    }

    @Test
    void phonePresetsSendTheirOptionsEvenUnasked() {
        BootPlan cisco = plan(Requests.of(MessageType.DISCOVER).text(60, "Cisco Systems, Inc. IP Phone CP-7945G").prl(1));
        assertThat(cisco.matchedClass()).isEqualTo("cisco");
        assertThat(cisco.options().get(150)).isEqualTo(Octets.parseHex("0a0000050a000006"));
        BootPlan yealink = plan(Requests.of(MessageType.DISCOVER).text(60, "yealink").prl(1, 66, 43));
        assertThat(yealink.options().get(66).text()).isEqualTo("tftp://10.0.0.5/y");
        assertThat(yealink.options().get(43).toByteArray()).startsWith(1, 21);
    }

    @Test
    void reservationOverridesTheClassAndCircuitAndMacPrefixMatch() {
        assertThat(plan(Requests.of(MessageType.DISCOVER).mac("00:11:22:33:44:55").arch(0)).bootFile())
                .isEqualTo("recovery/uImage");
        assertThat(plan(Requests.of(MessageType.DISCOVER).mac("02:ac:e0:00:00:01")).bootFile()).isEqualTo("acme.bin");
        Octets agent = Octets.of(concat(new byte[] {1, 8}, "ge-0/0/7".getBytes())); // option 82 sub-option 1
        assertThat(plan(Requests.of(MessageType.DISCOVER).option(82, agent)).bootFile()).isEqualTo("rack7.bin");
    }

    @Test
    void explainSaysWhyEachEarlierClassFailed() {
        List<BootClassifier.ClassCheck> checks = planner.classifier().explain(ClientFacts.of(
                Requests.of(MessageType.DISCOVER).arch(0).build()));
        assertThat(checks).extracting(BootClassifier.ClassCheck::className).containsExactly("ipxe", "uefi", "bios");
        assertThat(checks.get(0).reason()).isEqualTo("user class (none sent) is not 'iPXE'");
        assertThat(checks.get(1).reason()).isEqualTo("arch [0] not in [7, 9]");
        assertThat(checks.get(2).matched()).isTrue();
    }

    @Test
    void proxyRepliesCarryPxeClientAndDiscoveryControlButNoLease() {
        BootPlan p = planner.plan(ClientFacts.of(Requests.of(MessageType.DISCOVER).arch(7).prl(1, 3, 43, 60).build()),
                subnet, null, ip("10.0.0.1"), null, true);
        assertThat(p.options().get(60).text()).isEqualTo("PXEClient");
        assertThat(p.options().get(43)).isEqualTo(Octets.parseHex("060108"));
        assertThat(p.options()).doesNotContainKeys(1, 3, 51);
        assertThat(p.bootFile()).isEqualTo("ipxe.efi");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
