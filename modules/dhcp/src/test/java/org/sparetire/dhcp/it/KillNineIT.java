package org.sparetire.dhcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.dhcp.lease.Lease;
import org.sparetire.dhcp.lease.LeaseState;
import org.sparetire.dhcp.store.LeaseJournal;
import org.sparetire.testkit.NetNamespace;
import org.sparetire.testkit.PeerProgram;

/**
 * Durability: Kea's perfdhcp drives 4-way exchanges while the server JVM is SIGKILLed mid-load. Every
 * lease whose ACK left (the server prints the event only after sending) must be in the journal after
 * restart, with the same address for the same client, and a real client must get that address back.
 */
class KillNineIT {
    private static final Pattern ACKED = Pattern.compile("EVENT ACKED mac=(\\S+) ip=(\\S+)");
    @TempDir
    Path dir;

    static final String CONFIG = """
            dhcp:
              enabled: true
              interfaces: [srv0]
              rogue-check: {action: off}
              lease-file: %s
              subnets:
                - network: 10.77.0.0/24
                  ranges: [{from: 10.77.0.10, to: 10.77.0.250}]
                  lease-time: 1h
            """;

    @Test
    void noAcknowledgedLeaseIsLostToKill9() throws Exception {
        PeerProgram.require("perfdhcp", "kea-admin");
        PeerProgram.require("busybox", "busybox");
        Path leases = dir.resolve("leases/dhcp.leases");
        String config = CONFIG.formatted(leases);
        try (Namespaces nss = new Namespaces()) {
            NetNamespace srv = nss.create("ksrv");
            NetNamespace cli = nss.create("kcli");
            Namespaces.link(srv, "srv0", "10.77.0.1/24", cli, "cli0", "10.77.0.2/24");
            Map<String, String> acked = new LinkedHashMap<>();
            try (ServerProcess server = ServerProcess.start(srv, dir.resolve("run1"), config);
                 PeerProgram.Background load = cli.start(dir.resolve("perfdhcp.log"), "perfdhcp", "-4", "-l", "10.77.0.2",
                         "-r", "400", "-R", "200", "-p", "10", "10.77.0.1")) {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (count(server.output()) < 60 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                server.kill9(); // mid-load: perfdhcp is still sending
                Matcher m = ACKED.matcher(server.output());
                while (m.find()) {
                    acked.put(m.group(1), m.group(2));
                }
                assertThat(acked).as(load.output() + server.output()).hasSizeGreaterThanOrEqualTo(50);
            }
            Map<String, String> restored = new LinkedHashMap<>();
            try (ServerProcess again = ServerProcess.start(srv, dir.resolve("run2"), config)) {
                assertThat(again.output()).contains("leases-restored=");
                for (Lease l : LeaseJournal.read(leases).leases()) {
                    if (l.state() == LeaseState.BOUND) {
                        restored.put(l.mac(), l.address().getHostAddress());
                    }
                }
                assertThat(restored).containsAllEntriesOf(acked);

                // A real client with one of those MACs gets its address back from the restarted server.
                Map.Entry<String, String> one = acked.entrySet().iterator().next();
                cli.exec(Duration.ofSeconds(5), "ip", "link", "set", "cli0", "address", one.getKey()).assertSuccess();
                PeerProgram.Result r = cli.exec(Duration.ofSeconds(30), "busybox", "udhcpc", "-i", "cli0", "-f", "-q",
                        "-n", "-t", "4", "-T", "1", "-s", UdhcpcIT.script(dir).toString());
                assertThat(r.exitCode()).as(r.describe() + again.output()).isZero();
                assertThat(UdhcpcIT.vars(dir.resolve("event-bound")).get("ip")).isEqualTo(one.getValue());
            }
        }
    }

    private static int count(String log) {
        Matcher m = ACKED.matcher(log);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
