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
 * A client behind ISC dhcrelay (which adds option 82 with the circuit id): the subnet comes from giaddr,
 * the reply goes back to the relay, option 82 is echoed so the relay accepts it, and a class keyed on the
 * circuit picks the boot file.
 */
class RelayIT {
    private static final Duration T = Duration.ofSeconds(10);
    @TempDir
    Path dir;

    @Test
    void relayedClientGetsAnAddressFromTheGiaddrSubnetAndItsCircuitClass() throws Exception {
        PeerProgram.require("dhcrelay", "isc-dhcp-relay");
        PeerProgram.require("busybox", "busybox");
        try (Namespaces nss = new Namespaces()) {
            NetNamespace srv = nss.create("ysrv");
            NetNamespace relay = nss.create("yrly");
            NetNamespace cli = nss.create("ycli");
            Namespaces.link(srv, "srv0", "10.77.0.1/24", relay, "rsrv", "10.77.0.2/24");
            Namespaces.link(relay, "rack7", "10.88.0.1/24", cli, "cli0", null);
            srv.exec(T, "ip", "route", "add", "10.88.0.0/24", "via", "10.77.0.2").assertSuccess();
            relay.exec(T, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1").assertSuccess();
            String config = """
                    dhcp:
                      enabled: true
                      interfaces: [srv0]
                      rogue-check: {action: off}
                      lease-file: leases
                      subnets:
                        - network: 10.77.0.0/24
                        - network: 10.88.0.0/24
                          ranges: [{from: 10.88.0.50, to: 10.88.0.60}]
                          router: 10.88.0.1
                          next-server: 10.77.0.1
                      classes:
                        - {name: rack-7, match: {circuit-id: rack7}, boot-file: rack7/boot.bin}
                    """;
            try (ServerProcess server = ServerProcess.start(srv, dir.resolve("server"), config);
                 PeerProgram.Background dhcrelay = relay.start(dir.resolve("dhcrelay.log"), "dhcrelay", "-d", "-4",
                         "-a", "-pf", dir.resolve("dhcrelay.pid").toString(), "-id", "rack7", "-iu", "rsrv", "10.77.0.1")) {
                relay.awaitUdpPort(67, dhcrelay, T);
                PeerProgram.Result r = cli.exec(Duration.ofSeconds(30), "busybox", "udhcpc", "-i", "cli0", "-f", "-q",
                        "-n", "-t", "5", "-T", "2", "-s", UdhcpcIT.script(dir).toString());
                assertThat(r.exitCode()).as(r.describe() + server.output() + dhcrelay.output()).isZero();
                Map<String, String> v = UdhcpcIT.vars(dir.resolve("event-bound"));
                assertThat(v.get("ip")).matches("10\\.88\\.0\\.(5[0-9]|60)");
                assertThat(v.get("router")).isEqualTo("10.88.0.1");
                assertThat(v.get("boot_file")).isEqualTo("rack7/boot.bin");
                assertThat(v.get("siaddr")).isEqualTo("10.77.0.1");
                assertThat(server.output()).contains("peer=10.77.0.2 giaddr=10.88.0.1").contains("class=rack-7");
            }
        }
    }
}
