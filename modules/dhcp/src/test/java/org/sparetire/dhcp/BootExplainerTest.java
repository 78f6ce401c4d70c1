package org.sparetire.dhcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.net.Addresses;
import org.sparetire.dhcp.codec.MalformedPacketException;
import org.sparetire.dhcp.lease.Lease;
import org.sparetire.dhcp.lease.LeaseState;
import org.sparetire.dhcp.store.LeaseJournal;
import org.sparetire.dhcp.support.Configs;
import org.sparetire.testkit.Hex;

class BootExplainerTest {
    static final DhcpConfig PXE = Configs.load("""
            dhcp:
              subnets:
                - network: 192.168.50.0/24
                  ranges: [{from: 192.168.50.100, to: 192.168.50.199}]
                  router: 192.168.50.1
                  next-server: 192.168.50.1
              classes:
                - name: ipxe
                  match: {user-class: iPXE}
                  boot-file: boot.ipxe
                - name: uefi
                  match: {arch: [efi-x64]}
                  boot-file: ipxe.efi
                - name: phones
                  match: {vendor-class: "Cisco Systems"}
                  options:
                    tftp-server-address: [192.168.50.5]
            """);

    @Test
    void explainsTheClassChoiceAndTheEncodedOptions() throws Exception {
        BootExplainer.Explanation e = BootExplainer.explain(PXE,
                new BootExplainer.Query("52:54:00:aa:bb:cc", 9, "PXEClient:Arch:00009", null, null, List.of(), null, null));
        assertThat(e.matchedClass()).isEqualTo("uefi");
        assertThat(e.file()).isEqualTo("ipxe.efi");
        assertThat(e.siaddr().getHostAddress()).isEqualTo("192.168.50.1");
        assertThat(e.options()).filteredOn(o -> o.code() == 67).singleElement()
                .satisfies(o -> assertThat(o.wireHex()).isEqualTo("43 08 69 70 78 65 2e 65 66 69"));
        String text = e.render();
        assertThat(text).contains("skip     ipxe: user class (none sent) is not 'iPXE'")
                .contains("match    uefi: matched")
                .contains("reply    OFFER yiaddr=192.168.50.100 siaddr=192.168.50.1 ")
                .contains("file=\"ipxe.efi\"")
                .contains("option    66 tftp-server-name       \"192.168.50.1\"");
    }

    @Test
    void explainsPhoneOption150Bytes() throws Exception {
        BootExplainer.Explanation e = BootExplainer.explain(PXE, new BootExplainer.Query(null, null,
                "Cisco Systems, Inc. IP Phone CP-8841", null, null, List.of(1, 3, 150), null, null));
        assertThat(e.matchedClass()).isEqualTo("phones");
        assertThat(e.options()).filteredOn(o -> o.code() == 150).singleElement()
                .satisfies(o -> assertThat(o.wireHex()).isEqualTo("96 04 c0 a8 32 05"));
    }

    @Test
    void explainsACapturedPacket() throws Exception {
        String hex = Hex.encode(Hex.resource(getClass(), "/vectors/discover-udhcpc.hex"));
        BootExplainer.Explanation e = BootExplainer.explain(PXE, new BootExplainer.Query(null, null, null, null, null,
                null, hex, null));
        assertThat(e.facts().mac()).isEqualTo("4e:d8:f8:c6:3e:31");
        assertThat(e.facts().vendorClass()).isEqualTo("PXEClient:Arch:00007:UNDI:003016");
        assertThat(e.checks()).extracting(c -> c.className()).containsExactly("ipxe", "uefi", "phones");
        assertThat(e.matchedClass()).isNull();
        assertThatThrownBy(() -> BootExplainer.explain(PXE, new BootExplainer.Query(null, null, null, null, null, null,
                "0102", null))).isInstanceOf(MalformedPacketException.class);
    }

    @TempDir
    Path dir;

    @Test
    void leaseReportListsHeldLeasesInAddressOrder() throws Exception {
        Path file = dir.resolve("leases");
        Instant now = Instant.parse("2026-11-24T05:00:00Z");
        try (LeaseJournal j = LeaseJournal.open(file)) {
            j.append(List.of(
                    new Lease("hw:01:525400000002", "52:54:00:00:00:02", Addresses.parseNumeric("10.0.0.20"),
                            LeaseState.BOUND, now.plusSeconds(5400), "sw2"),
                    new Lease("hw:01:525400000001", "52:54:00:00:00:01", Addresses.parseNumeric("10.0.0.3"),
                            LeaseState.BOUND, now.plusSeconds(90), null),
                    new Lease("hw:01:525400000003", "52:54:00:00:00:03", Addresses.parseNumeric("10.0.0.4"),
                            LeaseState.RELEASED, now, null))).get();
        }
        String table = LeaseReport.render(file, now, false);
        List<String> lines = table.lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(1)).startsWith("10.0.0.3 ").contains("bound").contains("1m30s");
        assertThat(lines.get(2)).startsWith("10.0.0.20").contains("sw2").contains("1h30m");
        assertThat(lines.get(3)).startsWith("2 leases held now");
        assertThat(LeaseReport.render(file, now, true)).contains("released").contains("3 leases in");
        assertThat(Files.exists(file)).isTrue();
    }
}
