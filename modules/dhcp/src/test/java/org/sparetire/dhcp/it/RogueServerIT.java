package org.sparetire.dhcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.testkit.NetNamespace;
import org.sparetire.testkit.PeerProgram;

/**
 * dnsmasq plays the DHCP server somebody else already runs on the bench segment. It pings an address for
 * 3 s before its first offer, so the probe here listens 6 s: margin for a loaded CI machine.
 */
class RogueServerIT {
    @TempDir
    Path dir;

    static final String CONFIG = """
            dhcp:
              enabled: true
              interfaces: [srv0]
              rogue-check: {action: %s, wait: %s}
              lease-file: leases
              subnets:
                - network: 10.77.0.0/24
                  ranges: [{from: 10.77.0.100, to: 10.77.0.109}]
            """;

    @Test
    void anotherServerOnTheSegmentIsReportedAndCanStopTheStart() throws Exception {
        PeerProgram.require("dnsmasq", "dnsmasq-base");
        try (Namespaces nss = new Namespaces()) {
            NetNamespace srv = nss.create("rsrv");
            NetNamespace other = nss.create("roth");
            Namespaces.link(srv, "srv0", "10.77.0.1/24", other, "oth0", "10.77.0.2/24");
            try (PeerProgram.Background dnsmasq = other.start(dir.resolve("dnsmasq.log"), "dnsmasq", "-d", "-k",
                    "--port=0", "--conf-file=/dev/null", "--interface=oth0", "--bind-interfaces", "--user=root",
                    "--pid-file=", "--dhcp-range=10.77.0.150,10.77.0.160,1h",
                    "--dhcp-leasefile=" + dir.resolve("dnsmasq.leases"))) {
                long ready = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                while (!dnsmasq.output().contains("DHCP, sockets bound") && System.nanoTime() < ready) {
                    Thread.sleep(50);
                }
                assertThat(dnsmasq.output()).as("dnsmasq did not come up").contains("DHCP, sockets bound");
                try (ServerProcess warned = ServerProcess.start(srv, dir.resolve("warn"), CONFIG.formatted("warn", "6s"))) {
                    assertThat(warned.output()).contains("WARNING another DHCP server answers on srv0: 10.77.0.2")
                            .contains("use dhcp.mode: proxy");
                }
                assertThatThrownBy(() -> ServerProcess.start(srv, dir.resolve("refuse"), CONFIG.formatted("refuse", "6s")))
                        .isInstanceOf(ServerProcess.StartFailed.class)
                        .hasMessageContaining("another DHCP server answers on srv0: 10.77.0.2")
                        .hasMessageContaining("refusing to start");
                assertThat(dnsmasq.isAlive()).as(dnsmasq.output()).isTrue();
            }
            // Alone on the segment: no warning, and the probe costs only its wait.
            try (ServerProcess alone = ServerProcess.start(srv, dir.resolve("alone"), CONFIG.formatted("refuse", "1s"))) {
                assertThat(alone.output()).doesNotContain("WARNING");
            }
        }
    }

    @Test
    void malformedDatagramsAreDroppedWithOneDebugLineAndServiceGoesOn() throws Exception {
        PeerProgram.require("busybox", "busybox");
        try (Namespaces nss = new Namespaces()) {
            NetNamespace srv = nss.create("msrv");
            NetNamespace cli = nss.create("mcli");
            Namespaces.link(srv, "srv0", "10.77.0.1/24", cli, "cli0", "10.77.0.2/24");
            try (ServerProcess server = ServerProcess.start(srv, dir.resolve("server"), CONFIG.formatted("off", "1s"), "DEBUG")) {
                // Short garbage, a header with a bad cookie, and a DHCP message whose option runs off the end.
                String header = "\\x01\\x01\\x06\\x00" + "\\x00".repeat(232);
                String[] payloads = {
                    "hello",
                    header + "\\x63\\x82\\x53\\x64",
                    header + "\\x63\\x82\\x53\\x63\\x35\\x01\\x01\\x0c\\x09ab",
                };
                for (String p : payloads) {
                    cli.exec(Duration.ofSeconds(5), "bash", "-c", "printf '" + p + "' > /dev/udp/10.77.0.1/67")
                            .assertSuccess();
                }
                PeerProgram.Result r = cli.exec(Duration.ofSeconds(30), "busybox", "udhcpc", "-i", "cli0", "-f", "-q",
                        "-n", "-t", "4", "-T", "1", "-s", UdhcpcIT.script(dir).toString());
                assertThat(r.exitCode()).as(r.describe()).isZero();
                String log = server.output();
                assertThat(log).contains("dhcp drop malformed iface=srv0 peer=/10.77.0.2").contains("truncated header")
                        .contains("bad magic cookie").contains("option overruns packet");
                assertThat(log).doesNotContain("Exception").contains("EVENT ACKED");
            }
        }
    }
}
