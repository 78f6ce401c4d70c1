package org.sparetire.dhcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sparetire.dhcp.support.Requests.ip;

import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.net.Cidr;
import org.sparetire.dhcp.support.Configs;

class DhcpQuickModeTest {
    static LocalInterfaces.Ipv4 iface(String name, String cidr) {
        String a = cidr.substring(0, cidr.indexOf('/'));
        return new LocalInterfaces.Ipv4(name, (Inet4Address) ip(a), Cidr.parse(cidr));
    }

    @Test
    void derivesPoolAndNextServerFromTheInterface() throws Exception {
        DhcpConfig base = Configs.load("dhcp: {classes: [{name: u, match: {vendor-class: U-Boot}, boot-file: u.itb}]}");
        DhcpConfig c = DhcpQuickMode.derive(iface("eth1", "192.168.50.1/24"), List.of("wlan0"), false, base);
        assertThat(c.enabled()).isTrue();
        assertThat(c.interfaces()).containsExactly("eth1");
        DhcpConfig.Subnet s = c.subnets().get(0);
        assertThat(s.network()).isEqualTo(Cidr.parse("192.168.50.0/24"));
        assertThat(s.ranges()).containsExactly(new DhcpConfig.Range(ip("192.168.50.128"), ip("192.168.50.254")));
        assertThat(s.nextServer()).isEqualTo(ip("192.168.50.1"));
        assertThat(c.classes()).hasSize(1); // everything else comes from the config
    }

    @Test
    void poolNeverContainsTheInterfaceAddress() {
        assertThat(DhcpQuickMode.pool(Cidr.parse("10.0.0.0/24"), ip("10.0.0.200")))
                .isEqualTo(new DhcpConfig.Range(ip("10.0.0.128"), ip("10.0.0.199")));
        assertThat(DhcpQuickMode.pool(Cidr.parse("10.0.0.0/28"), ip("10.0.0.1")))
                .isEqualTo(new DhcpConfig.Range(ip("10.0.0.8"), ip("10.0.0.14")));
        assertThat(DhcpQuickMode.pool(Cidr.parse("10.0.0.0/16"), ip("10.0.0.1")))
                .isEqualTo(new DhcpConfig.Range(ip("10.0.128.0"), ip("10.0.128.199")));
    }

    @Test
    void aConfiguredSubnetForThatNetworkWins() throws Exception {
        DhcpConfig base = Configs.load("""
                dhcp:
                  subnets: [{network: 192.168.50.0/24, ranges: [{from: 192.168.50.10, to: 192.168.50.20}]}]
                """);
        DhcpConfig c = DhcpQuickMode.derive(iface("eth1", "192.168.50.1/24"), List.of(), false, base);
        assertThat(c.subnets()).containsExactly(base.subnets().get(0));
    }

    @Test
    void refusesTheDefaultRouteInterfaceUnlessForcedAndTinyNetworks() throws Exception {
        DhcpConfig base = DhcpConfig.disabled();
        assertThatThrownBy(() -> DhcpQuickMode.derive(iface("eth0", "192.168.1.20/24"), List.of("eth0"), false, base))
                .isInstanceOf(DhcpQuickMode.Refused.class).hasMessageContaining("carries the default route")
                .hasMessageContaining("--force");
        assertThat(DhcpQuickMode.derive(iface("eth0", "192.168.1.20/24"), List.of("eth0"), true, base).enabled()).isTrue();
        assertThatThrownBy(() -> DhcpQuickMode.derive(iface("p2p", "10.0.0.1/30"), List.of(), false, base))
                .hasMessageContaining("too small");
    }

    @Test
    void refusesMissingInterfacesAndOnesWithoutIpv4() {
        assertThatThrownBy(() -> DhcpQuickMode.derive("nonexistent0", false, DhcpConfig.disabled()))
                .hasMessageContaining("does not exist");
    }

    @TempDir
    Path dir;

    @Test
    void readsTheDefaultRouteFromTheKernelTable() throws Exception {
        Path route = dir.resolve("route");
        Files.writeString(route, """
                Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
                wlan0\t00000000\t0102A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0
                eth1\t0032A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
                """);
        assertThat(LocalInterfaces.defaultRouteInterfaces(route)).containsExactly("wlan0");
    }
}
