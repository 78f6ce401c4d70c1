package org.sparetire.dhcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparetire.core.config.ConfigException;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.codec.OptionCatalog;
import org.sparetire.dhcp.policy.BootPlan;
import org.sparetire.dhcp.policy.ClientFacts;
import org.sparetire.dhcp.policy.ReplyPlanner;
import org.sparetire.dhcp.support.Configs;
import org.sparetire.dhcp.support.Requests;

/**
 * HTTP boot clients: UEFI firmware sends option 60 "HTTPClient:Arch:00016:..." and arch 16, and takes only
 * offers that carry "HTTPClient" back with a URL to boot; iPXE gets a URL to an http:// script. The URL
 * names the server by the address of the interface the request came in on.
 */
class HttpBootClassTest {
    static final String CLASSES = """
              classes:
                - name: ipxe
                  match: {user-class: iPXE}
                  boot-file: "http://{server}:8070/boot.ipxe"
                - name: uefi-http
                  match: {vendor-class: HTTPClient, arch: [http-x64, http-arm64]}
                  boot-file: "http://{server}:8070/ipxe.efi"
                - name: uefi-pxe
                  match: {arch: [efi-x64]}
                  boot-file: ipxe.efi
            """;
    static final DhcpConfig CONFIG = Configs.load("""
            dhcp:
              subnets:
                - network: 10.0.0.0/24
                  ranges: [{from: 10.0.0.100, to: 10.0.0.199}]
                - network: 10.1.0.0/24
                  ranges: [{from: 10.1.0.100, to: 10.1.0.199}]
            """ + CLASSES);
    private final ReplyPlanner planner = new ReplyPlanner(CONFIG.classes());

    private BootPlan plan(Requests r, String serverAddress, int subnet) {
        return planner.plan(ClientFacts.of(r.build()), CONFIG.subnets().get(subnet), null,
                Requests.ip(serverAddress), Duration.ofHours(1), false);
    }

    static Requests uefiHttp() {
        return Requests.of(MessageType.DISCOVER).arch(16).text(OptionCatalog.VENDOR_CLASS,
                "HTTPClient:Arch:00016:UNDI:003001").prl(1, 3, 6, 60, 67);
    }

    @Test
    void uefiHttpClientGetsHttpClientBackAndAUrlNamingThisInterface() {
        BootPlan p = plan(uefiHttp(), "10.0.0.1", 0);
        assertThat(p.matchedClass()).isEqualTo("uefi-http");
        assertThat(p.bootFile()).isEqualTo("http://10.0.0.1:8070/ipxe.efi");
        assertThat(p.options().get(OptionCatalog.VENDOR_CLASS).text()).isEqualTo("HTTPClient");
        assertThat(p.options().get(OptionCatalog.BOOTFILE_NAME).text()).isEqualTo("http://10.0.0.1:8070/ipxe.efi");
        // The same client on the other interface is sent to the server's address there.
        assertThat(plan(uefiHttp(), "10.1.0.1", 1).bootFile()).isEqualTo("http://10.1.0.1:8070/ipxe.efi");
    }

    @Test
    void pxeClientsAndIpxeGetNoHttpClientOption() {
        BootPlan pxe = plan(Requests.of(MessageType.DISCOVER).arch(7).text(OptionCatalog.VENDOR_CLASS,
                "PXEClient:Arch:00007:UNDI:003016").prl(1, 60, 67), "10.0.0.1", 0);
        assertThat(pxe.matchedClass()).isEqualTo("uefi-pxe");
        assertThat(pxe.bootFile()).isEqualTo("ipxe.efi");
        assertThat(pxe.options()).doesNotContainKey(OptionCatalog.VENDOR_CLASS);
        BootPlan ipxe = plan(Requests.of(MessageType.DISCOVER).arch(7).text(OptionCatalog.VENDOR_CLASS,
                "PXEClient:Arch:00007:UNDI:003010").text(OptionCatalog.USER_CLASS, "iPXE").prl(1, 60, 67), "10.0.0.1", 0);
        assertThat(ipxe.bootFile()).isEqualTo("http://10.0.0.1:8070/boot.ipxe");
        assertThat(ipxe.options()).doesNotContainKey(OptionCatalog.VENDOR_CLASS);
    }

    @Test
    void explainShowsTheUrlAndOption60() throws Exception {
        BootExplainer.Explanation e = BootExplainer.explain(CONFIG, new BootExplainer.Query("52:54:00:aa:bb:cc", 16,
                "HTTPClient:Arch:00016:UNDI:003001", null, null, List.of(1, 3, 60, 67), null, null));
        assertThat(e.matchedClass()).isEqualTo("uefi-http");
        assertThat(e.render()).contains("skip     ipxe: user class (none sent) is not 'iPXE'")
                .contains("match    uefi-http: matched")
                .contains("file=\"http://10.0.0.1:8070/ipxe.efi\"")
                .contains("option    60 vendor-class           \"HTTPClient\"")
                .contains("option    67 bootfile-name          \"http://10.0.0.1:8070/ipxe.efi\"");
    }

    @Test
    void aUrlThatCouldOutgrowTheFileFieldIsRefusedAtItsLine() {
        String longName = "x".repeat(100);
        assertThatThrownBy(() -> DhcpConfigTest.load("""
                dhcp:
                  classes:
                    - name: http
                      match: {vendor-class: HTTPClient}
                      boot-file: "http://{server}:8070/%s"
                """.formatted(longName))).isInstanceOfSatisfying(ConfigException.class, ex -> {
                    assertThat(ex.problems()).singleElement().satisfies(p -> {
                        assertThat(p.position().line()).isEqualTo(5);
                        assertThat(p.message()).contains("127 bytes").contains("{server}");
                    });
                });
    }
}
