package org.sparetire.dhcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.testkit.NetNamespace;
import org.sparetire.testkit.PeerProgram;

/** busybox udhcpc, a client nobody here wrote, against the server in a namespace pair. */
class UdhcpcIT {
    @TempDir
    Path dir;

    static final String CONFIG = """
            dhcp:
              enabled: true
              interfaces: [srv0]
              rogue-check: {action: off}
              lease-file: leases
              subnets:
                - network: 10.77.0.0/24
                  ranges: [{from: 10.77.0.100, to: 10.77.0.109}]
                  router: 10.77.0.1
                  dns: [10.77.0.53, 10.77.0.54]
                  domain: bench.lan
                  lease-time: 10m
                  next-server: 10.77.0.1
              classes:
                - name: pxe-bios
                  match: {vendor-class: "PXEClient:Arch:00000"}
                  boot-file: undionly.kpxe
                  options:
                    tftp-server-address: [10.77.0.5, 10.77.0.6]
                    vendor-specific:
                      sub-options:
                        - {code: 6, u8: 8}
                        - {code: 1, text: "hello"}
            """;

    /** Writes every variable udhcpc hands its script, one file per event. */
    static Path script(Path dir) throws Exception {
        Path s = dir.resolve("udhcpc.sh");
        Files.writeString(s, "#!/bin/sh\nenv | sort > \"" + dir + "/event-$1\"\nexit 0\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        return s;
    }

    static Map<String, String> vars(Path file) throws Exception {
        Map<String, String> m = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    @Test
    void udhcpcGetsAnAddressInThePoolAndEveryBootOption() throws Exception {
        PeerProgram.require("busybox", "busybox");
        try (Namespaces nss = new Namespaces()) {
            NetNamespace srv = nss.create("usrv");
            NetNamespace cli = nss.create("ucli");
            Namespaces.link(srv, "srv0", "10.77.0.1/24", cli, "cli0", null);
            try (ServerProcess server = ServerProcess.start(srv, dir.resolve("server"), CONFIG)) {
                assertThat(server.port()).isEqualTo(67);
                Path script = script(dir);
                PeerProgram.Result r = cli.exec(Duration.ofSeconds(30), "busybox", "udhcpc", "-i", "cli0", "-f", "-q",
                        "-n", "-t", "5", "-T", "2", "-s", script.toString(), "-V", "PXEClient:Arch:00000:UNDI:002001",
                        "-O", "66", "-O", "67", "-O", "150", "-O", "43", "-O", "domain");
                assertThat(r.exitCode()).as(r.describe() + "\nserver:\n" + server.output()).isZero();
                Map<String, String> v = vars(dir.resolve("event-bound"));
                assertThat(v.get("ip")).as(v.toString()).matches("10\\.77\\.0\\.10[0-9]");
                assertThat(v.get("subnet")).isEqualTo("255.255.255.0");
                assertThat(v.get("router")).isEqualTo("10.77.0.1");
                assertThat(v.get("dns")).isEqualTo("10.77.0.53 10.77.0.54");
                assertThat(v.get("domain")).isEqualTo("bench.lan");
                assertThat(v.get("lease")).isEqualTo("600");
                assertThat(v.get("serverid")).isEqualTo("10.77.0.1");
                assertThat(v.get("siaddr")).isEqualTo("10.77.0.1");
                assertThat(v.get("boot_file")).isEqualTo("undionly.kpxe");
                assertThat(v.get("tftp")).isEqualTo("10.77.0.1");
                assertThat(v.get("bootfile")).isEqualTo("undionly.kpxe");
                assertThat(v.get("opt150")).isEqualTo("0a4d00050a4d0006");
                assertThat(v.get("opt43")).isEqualTo("060108" + "010568656c6c6f");
                assertThat(server.output()).contains("EVENT ACKED mac=").contains("class=pxe-bios file=undionly.kpxe");
            }
        }
    }
}
