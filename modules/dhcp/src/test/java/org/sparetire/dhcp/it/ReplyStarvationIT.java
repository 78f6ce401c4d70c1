package org.sparetire.dhcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.testkit.NetNamespace;
import org.sparetire.testkit.PeerProgram;

/**
 * Replies to addresses that never answer ARP (INFORMs with an unused ciaddr, relayed DISCOVERs with an
 * unused giaddr) must not hold back anyone else's: while 3,000 of them arrive at once, and then while
 * they trickle in at 100 a second, udhcpc on the same segment gets its lease every time within 2 s, and
 * a client with an address gets the (unicast) answer to its INFORM within 2 s.
 */
class ReplyStarvationIT {
    private static final Duration LEASE_WITHIN = Duration.ofSeconds(2);
    @TempDir
    Path dir;

    static final String CONFIG = """
            dhcp:
              enabled: true
              interfaces: [srv0]
              rogue-check: {action: off}
              lease-file: leases
              subnets:
                - network: 10.123.0.0/16
                  ranges: [{from: 10.123.1.1, to: 10.123.30.254}]
                  lease-time: 10m
            """;

    @Test
    void aClientLeasesWithinTwoSecondsWhileRepliesToUnresolvableAddressesPileUp() throws Exception {
        PeerProgram.require("busybox", "busybox");
        try (Namespaces nss = new Namespaces()) {
            NetNamespace srv = nss.create("hsrv");
            NetNamespace cli = nss.create("hcli");
            Namespaces.link(srv, "srv0", "10.123.0.1/16", cli, "cli0", "10.123.0.2/16");
            // The flood comes from another host on the segment: INFORMs are paced per source address.
            cli.exec(Duration.ofSeconds(10), "ip", "addr", "add", "10.123.0.3/16", "dev", "cli0").assertSuccess();
            String mac = cli.exec(Duration.ofSeconds(10), "cat", "/sys/class/net/cli0/address").assertSuccess()
                    .stdout().trim();
            try (ServerProcess server = ServerProcess.start(srv, dir.resolve("server"), CONFIG)) {
                assertThat(server.output()).as("as root, replies to clients on the link are link-layer frames")
                        .contains("link-layer-replies");
                Path script = UdhcpcIT.script(dir);
                List<String> slow = new ArrayList<>();
                int leases = 0;

                try (PeerProgram.Background burst = hostile(cli, "burst", server.port(), 3000, 0)) {
                    waitForSent(burst);
                    for (int i = 0; i < 3; i++, leases++) {
                        lease(cli, script, "after the burst #" + i, slow);
                    }
                    inform(cli, server.port(), mac, "after the burst", slow);
                }
                try (PeerProgram.Background trickle = hostile(cli, "trickle", server.port(), 3000, 100)) {
                    for (int i = 0; i < 6; i++, leases++) {
                        assertThat(trickle.isAlive()).as("the trickle still runs").isTrue();
                        lease(cli, script, "during the trickle #" + i, slow);
                    }
                    inform(cli, server.port(), mac, "during the trickle", slow);
                }
                assertThat(slow).as("leases slower than %s (server log follows)\n%s", LEASE_WITHIN,
                        tail(server.output())).isEmpty();
                assertThat(leases).isEqualTo(9);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25); // the report comes every 10 s
                while (!server.output().contains("WARNING flood") && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(server.output()).as("what was shed is logged and raised as a warning")
                        .containsPattern("WARN +DhcpService - dhcp flood in the last 10s: dropped [1-9][0-9]* INFORMs")
                        .contains("WARNING flood in the last 10s");
            }
        }
    }

    private PeerProgram.Background hostile(NetNamespace ns, String name, int port, int count, int rate) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return ns.start(dir.resolve(name + ".log"), java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                ServerProcess.classpath(), HostileSender.class.getName(), "10.123.0.1", Integer.toString(port),
                "10.123", Integer.toString(count), Integer.toString(rate), "10.123.0.3");
    }

    private static void waitForSent(PeerProgram.Background sender) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!sender.output().contains("SENT") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(sender.output()).as("hostile sender").contains("SENT 3000");
    }

    private static void lease(NetNamespace cli, Path script, String when, List<String> slow) throws Exception {
        long t0 = System.nanoTime();
        PeerProgram.Result r = cli.exec(Duration.ofSeconds(15), "busybox", "udhcpc", "-i", "cli0", "-f", "-q", "-n",
                "-t", "3", "-T", "1", "-s", script.toString());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("lease " + when + ": exit " + r.exitCode() + " after " + ms + " ms");
        if (r.exitCode() != 0 || ms > LEASE_WITHIN.toMillis()) {
            slow.add(when + ": exit " + r.exitCode() + " after " + ms + " ms");
        }
    }

    private static void inform(NetNamespace cli, int port, String mac, String when, List<String> slow)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        PeerProgram.Result r = cli.exec(Duration.ofSeconds(30), java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                ServerProcess.classpath(), InformClient.class.getName(), "10.123.0.1", Integer.toString(port),
                "10.123.0.2", mac, Long.toString(LEASE_WITHIN.toMillis()));
        System.out.println("inform " + when + ": " + r.stdout().trim());
        if (r.exitCode() != 0) {
            slow.add("INFORM " + when + ": " + r.stdout().trim() + r.stderr());
        }
    }

    private static String tail(String s) {
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }
}
