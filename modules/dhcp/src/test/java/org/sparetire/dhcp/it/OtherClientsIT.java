package org.sparetire.dhcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.testkit.NetNamespace;
import org.sparetire.testkit.PeerProgram;

/** ISC dhclient and dhcpcd against the same server setup as {@link UdhcpcIT}. */
class OtherClientsIT {
    @TempDir
    Path dir;

    @Test
    void iscDhclientGetsAnAddressAndTheBootOptions() throws Exception {
        PeerProgram.require("dhclient", "isc-dhcp-client");
        try (Namespaces nss = new Namespaces()) {
            NetNamespace srv = nss.create("dsrv");
            NetNamespace cli = nss.create("dcli");
            Namespaces.link(srv, "srv0", "10.77.0.1/24", cli, "cli0", null);
            try (ServerProcess server = ServerProcess.start(srv, dir.resolve("server"), UdhcpcIT.CONFIG)) {
                Path conf = dir.resolve("dhclient.conf");
                Files.writeString(conf, """
                        option cisco-tftp code 150 = array of ip-address;
                        send vendor-class-identifier "PXEClient:Arch:00000:UNDI:002001";
                        request subnet-mask, routers, domain-name-servers, domain-name, tftp-server-name,
                                bootfile-name, cisco-tftp, vendor-encapsulated-options;
                        """);
                Path pid = dir.resolve("dhclient.pid");
                PeerProgram.Result r = cli.exec(Duration.ofSeconds(40), "dhclient", "-1", "-v", "-cf", conf.toString(),
                        "-sf", UdhcpcIT.script(dir).toString(), "-lf", dir.resolve("dhclient.leases").toString(),
                        "-pf", pid.toString(), "cli0");
                try {
                    assertThat(r.exitCode()).as(r.describe() + "\nserver:\n" + server.output()).isZero();
                    Path bound = dir.resolve("event-");
                    Map<String, String> v = UdhcpcIT.vars(bound);
                    assertThat(v.get("reason")).as(v.toString()).isEqualTo("BOUND");
                    assertThat(v.get("new_ip_address")).matches("10\\.77\\.0\\.10[0-9]");
                    assertThat(v.get("new_subnet_mask")).isEqualTo("255.255.255.0");
                    assertThat(v.get("new_routers")).isEqualTo("10.77.0.1");
                    assertThat(v.get("new_domain_name_servers")).isEqualTo("10.77.0.53 10.77.0.54");
                    assertThat(v.get("new_domain_name")).isEqualTo("bench.lan");
                    assertThat(v.get("new_tftp_server_name")).isEqualTo("10.77.0.1");
                    assertThat(v.get("new_bootfile_name")).isEqualTo("undionly.kpxe");
                    assertThat(v.get("new_filename")).isEqualTo("undionly.kpxe");
                    assertThat(v.get("new_cisco_tftp")).isEqualTo("10.77.0.5 10.77.0.6");
                    assertThat(v.get("new_vendor_encapsulated_options")).isEqualTo("6:1:8:1:5:68:65:6c:6c:6f");
                    assertThat(v.get("new_dhcp_lease_time")).isEqualTo("600");
                } finally {
                    stopDaemon(pid);
                }
            }
        }
    }

    @Test
    void dhcpcdGetsAnAddressAndTheBootOptions() throws Exception {
        PeerProgram.require("dhcpcd", "dhcpcd-base");
        try (Namespaces nss = new Namespaces()) {
            NetNamespace srv = nss.create("csrv");
            NetNamespace cli = nss.create("ccli");
            Namespaces.link(srv, "srv0", "10.77.0.1/24", cli, "cli0", null);
            try (ServerProcess server = ServerProcess.start(srv, dir.resolve("server"), UdhcpcIT.CONFIG)) {
                Path conf = dir.resolve("dhcpcd.conf");
                Files.writeString(conf, """
                        vendorclassid PXEClient:Arch:00000:UNDI:002001
                        define 150 array ipaddress cisco_tftp
                        option subnet_mask, routers, domain_name_servers, domain_name, tftp_server_name, bootfile_name
                        option cisco_tftp, vendor_encapsulated_options
                        nohook resolv.conf
                        """);
                PeerProgram.Result r = cli.exec(Duration.ofSeconds(40), "dhcpcd", "-f", conf.toString(), "-1", "-4", "-B",
                        "-t", "20", "-c", UdhcpcIT.script(dir).toString(), "--nolink", "cli0");
                assertThat(r.exitCode()).as(r.describe() + "\nserver:\n" + server.output()).isZero();
                Path bound = Files.list(dir).filter(p -> p.getFileName().toString().startsWith("event-"))
                        .filter(p -> read(p).contains("reason=BOUND")).findFirst()
                        .orElseThrow(() -> new AssertionError("no BOUND event from dhcpcd: " + r.describe()));
                Map<String, String> v = UdhcpcIT.vars(bound);
                assertThat(v.get("new_ip_address")).as(v.toString()).matches("10\\.77\\.0\\.10[0-9]");
                assertThat(v.get("new_subnet_cidr")).isEqualTo("24");
                assertThat(v.get("new_routers")).isEqualTo("10.77.0.1");
                assertThat(v.get("new_domain_name_servers")).isEqualTo("10.77.0.53 10.77.0.54");
                assertThat(v.get("new_domain_name")).isEqualTo("bench.lan");
                assertThat(v.get("new_tftp_server_name")).isEqualTo("10.77.0.1");
                assertThat(v.get("new_bootfile_name")).isEqualTo("undionly.kpxe");
                assertThat(v.get("new_cisco_tftp")).isEqualTo("10.77.0.5 10.77.0.6");
            }
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "";
        }
    }

    /** dhclient forks into the background once bound; stop that process by the pid it wrote, nothing else. */
    static void stopDaemon(Path pidFile) throws Exception {
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid).ifPresent(h -> {
                h.destroy();
                try {
                    h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    h.destroyForcibly();
                }
            });
        }
    }
}
