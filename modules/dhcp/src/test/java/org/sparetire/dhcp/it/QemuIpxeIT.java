package org.sparetire.dhcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.testkit.NetNamespace;
import org.sparetire.testkit.PeerProgram;

/**
 * iPXE, the boot firmware of real machines, in a QEMU VM (TCG: deterministic, and nested KVM is often broken) whose NIC is a tap inside a namespace.
 * It must get its address and, through the user-class rule, an iPXE script instead of an iPXE binary
 * (so chainloading cannot loop), run it, and fetch the second file the script names. TFTP is dnsmasq's
 * (TFTP only, DNS and DHCP off): the TFTP server is another module's business.
 */
class QemuIpxeIT {
    private static final Duration T = Duration.ofSeconds(10);
    @TempDir
    Path dir;

    static final String CLASSES = """
              classes:
                - {name: ipxe, match: {user-class: iPXE}, boot-file: boot.ipxe}
                - {name: uefi, match: {arch: [efi-x64]}, boot-file: ipxe.efi}
                - {name: bios, match: {arch: [bios]}, boot-file: undionly.kpxe}
            """;

    private Path tftpRoot() throws Exception {
        Path root = Files.createDirectories(dir.resolve("tftp"));
        Files.writeString(root.resolve("boot.ipxe"), "#!ipxe\necho sparetire-script-ok\nchain tftp://${next-server}/second.ipxe\n");
        Files.writeString(root.resolve("second.ipxe"), "#!ipxe\necho sparetire-second-ok ${net0/ip}\n");
        return root;
    }

    private static List<String> qemu(boolean efi, String ifname) {
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "accel=tcg", "-m", "256",
                "-nographic", "-no-reboot", "-netdev", "tap,id=n0,ifname=" + ifname + ",script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=n0", "-boot", "n"));
        if (efi) {
            cmd.addAll(List.of("-bios", "/usr/share/ovmf/OVMF.fd"));
        }
        return cmd;
    }

    private void boot(boolean efi) throws Exception {
        PeerProgram.require("qemu-system-x86_64", "qemu-system-x86");
        PeerProgram.require("dnsmasq", "dnsmasq-base");
        if (efi) {
            assertThat(Path.of("/usr/share/ovmf/OVMF.fd")).as("UEFI firmware (apt-get install ovmf)").exists();
        }
        Path root = tftpRoot();
        try (Namespaces nss = new Namespaces()) {
            NetNamespace srv = nss.create(efi ? "qefi" : "qbios");
            srv.exec(T, "ip", "tuntap", "add", "dev", "tap0", "mode", "tap").assertSuccess();
            srv.exec(T, "ip", "addr", "add", "10.77.0.1/24", "dev", "tap0").assertSuccess();
            srv.exec(T, "ip", "link", "set", "tap0", "up").assertSuccess();
            String config = """
                    dhcp:
                      enabled: true
                      interfaces: [tap0]
                      rogue-check: {action: off}
                      lease-file: leases
                      subnets:
                        - network: 10.77.0.0/24
                          ranges: [{from: 10.77.0.100, to: 10.77.0.109}]
                          next-server: 10.77.0.1
                    """ + CLASSES;
            try (PeerProgram.Background tftp = srv.start(dir.resolve("tftp.log"), "dnsmasq", "-d", "-k", "--port=0",
                    "--conf-file=/dev/null", "--enable-tftp", "--tftp-root=" + root, "--interface=tap0",
                    "--bind-interfaces", "--user=root", "--pid-file=", "--log-facility=-");
                 ServerProcess server = ServerProcess.start(srv, dir.resolve("server"), config);
                 PeerProgram.Background vm = srv.start(dir.resolve("console.log"), qemu(efi, "tap0").toArray(String[]::new))) {
                Pattern second = Pattern.compile("sparetire-second-ok 10\\.77\\.0\\.10[0-9]");
                String console = vm.awaitOutput(second, Duration.ofSeconds(efi ? 180 : 120));
                assertThat(console).as(console + "\nserver:\n" + server.output()).contains("sparetire-script-ok")
                        .containsPattern(second);
                assertThat(tftp.output()).contains("sent " + root.resolve("boot.ipxe"))
                        .contains("sent " + root.resolve("second.ipxe"))
                        .doesNotContain("ipxe.efi").doesNotContain("undionly.kpxe");
                assertThat(server.output()).containsPattern("EVENT ACKED mac=52:54:00:12:34:56 ip=10\\.77\\.0\\.10[0-9] "
                        + "class=ipxe file=boot.ipxe arch=" + (efi ? "(7|9)" : "0") + " uc=iPXE");
            }
        }
    }

    @Test
    void biosIpxeGetsTheScriptByUserClassAndFetchesTheSecondFile() throws Exception {
        boot(false);
    }

    @Test
    void uefiIpxeGetsTheScriptByUserClassAndFetchesTheSecondFile() throws Exception {
        boot(true);
    }

    /**
     * Proxy mode: dnsmasq on another host of the segment hands out the address (and serves TFTP); our server
     * only adds boot information, on port 67 and on the PXE boot server port 4011.
     */
    @Test
    void proxyModeBootsIpxeBesideAnotherDhcpServer() throws Exception {
        PeerProgram.require("qemu-system-x86_64", "qemu-system-x86");
        PeerProgram.require("dnsmasq", "dnsmasq-base");
        Path root = tftpRoot();
        try (Namespaces nss = new Namespaces()) {
            NetNamespace srv = nss.create("qpxy");
            NetNamespace other = nss.create("qdns");
            srv.exec(T, "ip", "link", "add", "br0", "type", "bridge").assertSuccess();
            srv.exec(T, "ip", "tuntap", "add", "dev", "tap0", "mode", "tap").assertSuccess();
            srv.exec(T, "ip", "link", "set", "tap0", "master", "br0").assertSuccess();
            Namespaces.link(srv, "vsrv", null, other, "vdns", "10.77.0.2/24");
            srv.exec(T, "ip", "link", "set", "vsrv", "master", "br0").assertSuccess();
            srv.exec(T, "ip", "addr", "add", "10.77.0.1/24", "dev", "br0").assertSuccess();
            srv.exec(T, "ip", "link", "set", "tap0", "up").assertSuccess();
            srv.exec(T, "ip", "link", "set", "br0", "up").assertSuccess();
            String config = """
                    dhcp:
                      enabled: true
                      mode: proxy
                      interfaces: [br0]
                      rogue-check: {action: off}
                      lease-file: leases
                      subnets:
                        - network: 10.77.0.0/24
                          next-server: 10.77.0.2
                    """ + CLASSES;
            try (PeerProgram.Background dnsmasq = other.start(dir.resolve("dnsmasq.log"), "dnsmasq", "-d", "-k",
                    "--port=0", "--conf-file=/dev/null", "--interface=vdns", "--bind-interfaces", "--user=root",
                    "--pid-file=", "--log-facility=-", "--dhcp-range=10.77.0.150,10.77.0.160,1h",
                    "--dhcp-leasefile=" + dir.resolve("dnsmasq.leases"), "--enable-tftp", "--tftp-root=" + root)) {
                other.awaitUdpPort(67, dnsmasq, T);
                other.awaitUdpPort(69, dnsmasq, T);
                try (ServerProcess server = ServerProcess.start(srv, dir.resolve("server"), config);
                     PeerProgram.Background vm = srv.start(dir.resolve("console.log"), qemu(false, "tap0").toArray(String[]::new))) {
                    assertThat(server.proxyPort()).isEqualTo(4011);
                    String dnsmasqAddress = "10\\.77\\.0\\.1(5[0-9]|60)"; // its --dhcp-range above
                    Pattern second = Pattern.compile("sparetire-second-ok " + dnsmasqAddress);
                    String console = vm.awaitOutput(second, Duration.ofSeconds(120));
                    assertThat(console).as(console + "\nserver:\n" + server.output() + "\ndnsmasq:\n" + dnsmasq.output())
                            .containsPattern(second);
                    assertThat(server.output()).contains("EVENT PROXY_OFFERED mac=52:54:00:12:34:56 ip=- class=ipxe file=boot.ipxe")
                            .doesNotContain("EVENT ACKED");
                    assertThat(dnsmasq.output()).containsPattern("DHCPACK\\(vdns\\) " + dnsmasqAddress).contains("boot.ipxe")
                            .contains("second.ipxe");
                }
            }
        }
    }
}
