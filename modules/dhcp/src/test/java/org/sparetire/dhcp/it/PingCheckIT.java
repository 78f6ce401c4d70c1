package org.sparetire.dhcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.testkit.NetNamespace;
import org.sparetire.testkit.PeerProgram;

/** A host squats on the first pool address without a lease; with ping-check on, nobody is offered it. */
class PingCheckIT {
    @TempDir
    Path dir;

    @Test
    void anAddressThatAnswersAPingIsNotOffered() throws Exception {
        PeerProgram.require("busybox", "busybox");
        try (Namespaces nss = new Namespaces()) {
            NetNamespace srv = nss.create("psrv");
            NetNamespace cli = nss.create("pcli");
            Namespaces.link(srv, "srv0", "10.77.0.1/24", cli, "cli0", "10.77.0.100/24"); // the squatter
            String config = """
                    dhcp:
                      enabled: true
                      interfaces: [srv0]
                      rogue-check: {action: off}
                      ping-check: true
                      ping-timeout: 500ms
                      lease-file: leases
                      subnets:
                        - network: 10.77.0.0/24
                          ranges: [{from: 10.77.0.100, to: 10.77.0.101}]
                    """;
            try (ServerProcess server = ServerProcess.start(srv, dir.resolve("server"), config)) {
                PeerProgram.Result r = cli.exec(Duration.ofSeconds(30), "busybox", "udhcpc", "-i", "cli0", "-f", "-q",
                        "-n", "-t", "5", "-T", "2", "-s", UdhcpcIT.script(dir).toString());
                assertThat(r.exitCode()).as(r.describe() + server.output()).isZero();
                assertThat(UdhcpcIT.vars(dir.resolve("event-bound")).get("ip")).isEqualTo("10.77.0.101");
                assertThat(server.output()).contains("10.77.0.100 answered a ping on srv0")
                        .doesNotContain("ip=10.77.0.100");
            }
        }
    }
}
