package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
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
 * Real boot firmware against the whole appliance (DHCP, TFTP and HTTP boot from one root, the dashboard
 * beside them), in a QEMU VM whose NIC is a tap inside a namespace this test creates: nothing leaves it.
 * TCG, not KVM: deterministic, and nested KVM is often broken.
 */
class QemuHttpBootIT {
    private static final Path JAR = Path.of("target/sparetire.jar").toAbsolutePath();
    private static final Duration T = Duration.ofSeconds(10);
    private static final String MAC = "52:54:00:12:34:56";
    /** Big enough that a lockstep protocol would show, small enough for iPXE's memory in a 256 MiB VM. */
    private static final long IMAGE_BYTES = 32L << 20;

    @TempDir
    Path dir;

    private Path root() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("boot.ipxe"), """
                #!ipxe
                echo sparetire-tftp-script-ok
                chain http://${next-server}:8070/second.ipxe
                """);
        Files.writeString(root.resolve("second.ipxe"), """
                #!ipxe
                echo sparetire-http-script-ok
                imgfetch --name big http://${next-server}:8070/images/big.img
                echo sparetire-http-image-ok ${net0/ip}
                """);
        Files.createDirectories(root.resolve("images"));
        try (RandomAccessFile f = new RandomAccessFile(root.resolve("images/big.img").toFile(), "rw")) {
            f.setLength(IMAGE_BYTES);
            f.seek(IMAGE_BYTES / 2);
            f.writeBytes("sparetire");
        }
        return root;
    }

    private String config(Path root, String classes) {
        return """
                lifecycle: {shutdown-grace: 1s}
                syslog: {enabled: false}
                web: {enabled: true, port: 8069}
                tftp: {root: %s}
                http-boot: {enabled: true, port: 8070}
                dhcp:
                  enabled: true
                  interfaces: [tap0]
                  rogue-check: {action: off}
                  lease-file: leases
                  subnets:
                    - network: 10.127.0.0/24
                      ranges: [{from: 10.127.0.100, to: 10.127.0.109}]
                  classes:
                """.formatted(root) + classes;
    }

    private static List<String> qemu(boolean efi, boolean nicRom) {
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "accel=tcg", "-m", "256",
                "-nographic", "-no-reboot", "-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=n0,mac=" + MAC + (nicRom ? "" : ",romfile="), "-boot", "n"));
        if (efi) {
            // OVMF's own PXE entries go first and PXE over IPv6 waits 90 s for a DHCPv6 answer: leave them
            // out (OVMF's fw_cfg switches), so the firmware's first try is HTTP boot over IPv4.
            cmd.addAll(List.of("-bios", "/usr/share/ovmf/OVMF.fd",
                    "-fw_cfg", "name=opt/org.tianocore/IPv4PXESupport,string=n",
                    "-fw_cfg", "name=opt/org.tianocore/IPv6PXESupport,string=n"));
        }
        return cmd;
    }

    private record Run(String console, String server, String timeline) {
    }

    private Run boot(String label, String classes, boolean efi, boolean nicRom, Pattern done, Duration limit)
            throws Exception {
        PeerProgram.require("qemu-system-x86_64", "qemu-system-x86");
        assertThat(JAR).as("the runnable jar (mvn package)").exists();
        Path root = root();
        Path conf = Files.writeString(dir.resolve("sparetire.yaml"), config(root, classes));
        try (NetNamespace ns = NetNamespace.create(label)) {
            ns.exec(T, "ip", "tuntap", "add", "dev", "tap0", "mode", "tap").assertSuccess();
            ns.exec(T, "ip", "addr", "add", "10.127.0.1/24", "dev", "tap0").assertSuccess();
            ns.exec(T, "ip", "link", "set", "tap0", "up").assertSuccess();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // The appliance picks its own transport (epoll here): DHCP needs it for SO_BINDTODEVICE, so the
            // NIO pass of scripts/test does not apply to this process; HttpBootIT covers NIO.
            try (PeerProgram.Background server = ns.start(dir.resolve("server.log"), java, "-Xmx256m",
                    "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(), "serve", "-c", conf.toString())) {
                String ready = server.awaitOutput(Pattern.compile("ready in| ERROR |Exception"), Duration.ofSeconds(60));
                assertThat(ready).contains("ready in");
                try (PeerProgram.Background vm = ns.start(dir.resolve("console.log"), qemu(efi, nicRom).toArray(String[]::new))) {
                    String console = vm.awaitOutput(done, limit);
                    String timeline = ns.exec(T, "curl", "-sS", "http://127.0.0.1:8069/api/devices/" + MAC).stdout();
                    return new Run(console, server.output(), timeline);
                }
            }
        }
    }

    /**
     * The iPXE ROM of QEMU's NIC asks with user class iPXE, gets its script over TFTP, chains the second
     * stage over http:// and fetches a 32 MiB image over HTTP; the dashboard puts every step on the
     * device's timeline.
     */
    @Test
    void ipxeChainsFromTftpToHttpAndFetchesALargeImage() throws Exception {
        Pattern done = Pattern.compile("sparetire-http-image-ok 10\\.127\\.0\\.10[0-9]");
        Run run = boot("qhttp", """
                    - {name: ipxe, match: {user-class: iPXE}, boot-file: boot.ipxe}
                """, false, true, done, Duration.ofSeconds(180));
        assertThat(run.console()).as(run.console() + "\nserver:\n" + run.server()).contains("sparetire-tftp-script-ok")
                .contains("sparetire-http-script-ok").containsPattern(done);
        assertThat(run.server()).contains("tftp read ok").contains("file=boot.ipxe")
                .containsPattern("http-boot get ok peer=10\\.127\\.0\\.10[0-9]:\\d+ file=/second.ipxe")
                .containsPattern("http-boot get ok peer=10\\.127\\.0\\.10[0-9]:\\d+ file=/images/big.img .*bytes="
                        + IMAGE_BYTES);
        assertThat(run.timeline()).containsPattern("\"kind\": ?\"dhcp\"").containsPattern("\"kind\": ?\"tftp\"")
                .containsPattern("\"kind\": ?\"http-boot\"").contains("/images/big.img");
    }

    /**
     * OVMF's own UEFI HTTP Boot (the NIC's iPXE ROM is left out, so the firmware's network stack boots;
     * Debian's OVMF is built with HTTP boot): the firmware sends option 60 HTTPClient and arch 16, gets
     * HTTPClient back with the URL of ipxe.efi, downloads and runs it; iPXE asks again with user class
     * iPXE and runs its script, also by URL.
     */
    @Test
    void ovmfBootsIpxeEfiOverUefiHttpBoot() throws Exception {
        Path ipxe = Path.of("/usr/lib/ipxe/ipxe.efi");
        assertThat(ipxe).as("iPXE for UEFI (apt-get install ipxe; scripts/test installs it)").exists();
        assertThat(Path.of("/usr/share/ovmf/OVMF.fd")).as("UEFI firmware (apt-get install ovmf)").exists();
        Path root = root();
        Files.copy(ipxe, root.resolve("ipxe.efi"));
        Files.writeString(root.resolve("efi.ipxe"), """
                #!ipxe
                echo sparetire-uefi-http-ok ${net0/ip}
                """);
        Pattern done = Pattern.compile("sparetire-uefi-http-ok 10\\.127\\.0\\.10[0-9]");
        Run run = boot("qovmf", """
                    - {name: ipxe, match: {user-class: iPXE}, boot-file: "http://{server}:8070/efi.ipxe"}
                    - {name: uefi-http, match: {vendor-class: HTTPClient, arch: [http-x64]}, boot-file: "http://{server}:8070/ipxe.efi"}
                """, true, false, done, Duration.ofSeconds(300));
        assertThat(run.console()).as(run.console() + "\nserver:\n" + run.server()).containsPattern(done);
        assertThat(run.server()).containsPattern("dhcp (offered|acked) iface=tap0 .*mac=" + MAC
                        + " .*class=uefi-http file=http://10\\.127\\.0\\.1:8070/ipxe\\.efi")
                .containsPattern("http-boot get ok peer=10\\.127\\.0\\.10[0-9]:\\d+ file=/ipxe.efi")
                .containsPattern("http-boot get ok peer=10\\.127\\.0\\.10[0-9]:\\d+ file=/efi.ipxe");
    }
}
