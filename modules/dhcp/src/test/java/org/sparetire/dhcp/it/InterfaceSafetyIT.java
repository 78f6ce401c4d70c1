package org.sparetire.dhcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.testkit.NetNamespace;
import org.sparetire.testkit.PeerProgram;

/**
 * The technician's laptop, rebuilt in namespaces: the server's default route leaves by "wifi0", two benches
 * face "eth0s" and "eth1s", and "oth0" is up with an address in a configured subnet but is not in
 * dhcp.interfaces. Each bench client gets a lease from its own interface's subnet (the replies left by the
 * interface the request came in on); a client on oth0 or on the Wi-Fi side gets nothing; and not a single
 * packet leaves by the default-route interface while the server probes, offers and acknowledges.
 */
class InterfaceSafetyIT {
    @TempDir
    Path dir;

    /** busybox udhcpc on {@code iface} in the foreground, giving up after {@code tries} DISCOVERs 1 s apart. */
    static PeerProgram.Result udhcpc(NetNamespace ns, String iface, int tries, Path script) throws Exception {
        return ns.exec(Duration.ofSeconds(30), "busybox", "udhcpc", "-i", iface, "-f", "-q", "-n", "-t",
                String.valueOf(tries), "-T", "1", "-s", script.toString());
    }

    /** The client got an address in {@code subnetPrefix}x from the server at {@code subnetPrefix}1. */
    void assertLeased(PeerProgram.Result r, ServerProcess server, String subnetPrefix) throws Exception {
        assertThat(r.exitCode()).as(r.describe() + "\n" + server.output()).isZero();
        Map<String, String> v = UdhcpcIT.vars(dir.resolve("event-bound"));
        assertThat(v.get("ip")).startsWith(subnetPrefix);
        assertThat(v.get("serverid")).isEqualTo(subnetPrefix + "1");
    }

    static long txPackets(NetNamespace ns, String iface) throws Exception {
        String out = ns.exec(Duration.ofSeconds(5), "cat", "/sys/class/net/" + iface + "/statistics/tx_packets")
                .assertSuccess().stdout().trim();
        return Long.parseLong(out);
    }

    @Test
    void answersOnlyOnTheConfiguredInterfaceAndRepliesLeaveByIt() throws Exception {
        PeerProgram.require("busybox", "busybox");
        try (Namespaces nss = new Namespaces()) {
            NetNamespace srv = nss.create("lsrv");
            NetNamespace bench = nss.create("lbench");
            NetNamespace wifi = nss.create("lwifi");
            NetNamespace other = nss.create("loth");
            NetNamespace bench2 = nss.create("lbench2");
            for (NetNamespace ns : new NetNamespace[] {srv, bench, wifi, other, bench2}) {
                // No IPv6 chatter (router solicitations, MLD), so the packet counters below count only IPv4.
                ns.exec(Duration.ofSeconds(5), "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1").assertSuccess();
                ns.exec(Duration.ofSeconds(5), "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1").assertSuccess();
            }
            Namespaces.link(srv, "wifi0", "10.78.0.2/24", wifi, "up0", "10.78.0.1/24");
            srv.exec(Duration.ofSeconds(5), "ip", "route", "add", "default", "via", "10.78.0.1", "dev", "wifi0")
                    .assertSuccess();
            Namespaces.link(srv, "eth0s", "10.77.1.1/24", bench, "cli0", null);
            Namespaces.link(srv, "oth0", "10.79.0.1/24", other, "cli1", null);
            Namespaces.link(srv, "eth1s", "10.77.2.1/24", bench2, "cli2", null);

            String config = """
                    dhcp:
                      enabled: true
                      interfaces: [eth0s, eth1s]
                      rogue-check: {action: warn, wait: 500ms}
                      lease-file: leases
                      subnets:
                        - network: 10.77.1.0/24
                          ranges: [{from: 10.77.1.100, to: 10.77.1.150}]
                        - network: 10.77.2.0/24
                          ranges: [{from: 10.77.2.100, to: 10.77.2.150}]
                        - network: 10.79.0.0/24
                          ranges: [{from: 10.79.0.100, to: 10.79.0.150}]
                        - network: 10.78.0.0/24
                          ranges: [{from: 10.78.0.100, to: 10.78.0.150}]
                    """;
            long wifiBefore = txPackets(srv, "wifi0");
            try (ServerProcess server = ServerProcess.start(srv, dir.resolve("server"), config)) {
                Path script = UdhcpcIT.script(dir);
                assertLeased(udhcpc(bench, "cli0", 4, script), server, "10.77.1.");

                // A second bench on a second configured interface: same port 67, its own subnet, its own answers.
                assertLeased(udhcpc(bench2, "cli2", 4, script), server, "10.77.2.");

                PeerProgram.Result ignored = udhcpc(other, "cli1", 2, script);
                assertThat(ignored.exitCode()).as("a client on an unconfigured interface got a lease: "
                        + ignored.describe()).isNotZero();
                // A client on the Wi-Fi side broadcasts too: nobody may answer it.
                PeerProgram.Result wifiClient = udhcpc(wifi, "up0", 2, script);
                assertThat(wifiClient.exitCode()).isNotZero();
                assertThat(server.output()).doesNotContain("ip=10.79.").doesNotContain("ip=10.78.");
                assertThat(txPackets(srv, "wifi0")).as("packets sent by the default-route interface").isEqualTo(wifiBefore);
                assertThat(txPackets(srv, "oth0")).as("packets sent by the unconfigured interface").isZero();
            }
        }
    }
}
