package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.net.Addresses;
import org.sparetire.testkit.NetNamespace;
import org.sparetire.testkit.PeerProgram;
import org.sparetire.web.files.FetchCommands;

/**
 * The U-Boot line the dashboard offers for a file, typed into a real U-Boot (QEMU's arm64 board, TCG) whose
 * NIC is a tap in a namespace where the appliance serves TFTP: U-Boot fetches the file, and its crc32 of the
 * bytes in memory is the file's. Then, in the same VM, a bigger file the way boot scripts fetch kernels fast:
 * 1468-byte blocks in windows of 16 (RFC 7440), again checked by U-Boot's crc32.
 */
class UBootFetchIT {
    private static final Path JAR = Path.of("target/sparetire.jar").toAbsolutePath();
    private static final Duration T = Duration.ofSeconds(10);
    private static final Pattern WINDOWED = Pattern.compile("tftp read ok .*file=kernel\\.bin .*windowsize=16");

    @TempDir
    Path dir;

    @Test
    void theOfferedUBootCommandFetchesTheFile() throws Exception {
        PeerProgram.require("qemu-system-aarch64", "qemu-system-arm");
        assertThat(UBootConsole.UBOOT).as("U-Boot for QEMU's arm64 board (apt-get install u-boot-qemu)").exists();
        Path root = Files.createDirectories(dir.resolve("tftpboot"));
        byte[] image = new byte[200_000];
        new Random(25).nextBytes(image);
        Files.write(root.resolve("fw.bin"), image);
        CRC32 crc = new CRC32();
        crc.update(image);
        byte[] kernel = new byte[4 * 1024 * 1024 + 1000]; // not a whole number of blocks or windows
        new Random(22).nextBytes(kernel);
        Files.write(root.resolve("kernel.bin"), kernel);
        CRC32 kernelCrc = new CRC32();
        kernelCrc.update(kernel);
        Path config = Files.writeString(dir.resolve("sparetire.yaml"), """
                web: {enabled: false}
                syslog: {enabled: false}
                tftp:
                  root: tftpboot
                """);
        try (NetNamespace ns = NetNamespace.create("uboot")) {
            ns.exec(T, "ip", "tuntap", "add", "dev", "tap0", "mode", "tap").assertSuccess();
            ns.exec(T, "ip", "addr", "add", "10.66.0.1/24", "dev", "tap0").assertSuccess();
            ns.exec(T, "ip", "link", "set", "tap0", "up").assertSuccess();
            try (PeerProgram.Background server = ns.start(dir.resolve("serve.log"), "java", "-jar", JAR.toString(), "serve",
                    "--plain", "-c", config.toString(), "--pid-file", dir.resolve("pid").toString())) {
                ns.awaitUdpPort(69, server, Duration.ofSeconds(60));
                String command = FetchCommands.forFile("fw.bin", Addresses.parseNumeric("10.66.0.1"), 69).stream()
                        .filter(c -> c.client().equals("u-boot")).findFirst().orElseThrow().text();
                try (UBootConsole console = UBootConsole.boot(ns, "tap0")) {
                    console.type("setenv ipaddr 10.66.0.50; setenv netmask 255.255.255.0\n");
                    console.type(command + "; crc32 ${fileaddr} ${filesize}\n");
                    String out = console.await("==> ", Duration.ofSeconds(120));
                    String expected = String.format("%08x", crc.getValue());
                    String screen = console.await("==> " + expected, Duration.ofSeconds(5));
                    assertThat(screen).as(out + "\nserver:\n" + server.output())
                            .contains("Bytes transferred = " + image.length)
                            .contains("==> " + expected);

                    console.type("setenv tftpblocksize 1468; setenv tftpwindowsize 16; "
                            + "tftpboot ${loadaddr} kernel.bin; crc32 ${fileaddr} ${filesize}\n");
                    String kernelExpected = String.format("%08x", kernelCrc.getValue());
                    String windowed = console.await("==> " + kernelExpected, Duration.ofSeconds(120));
                    assertThat(windowed).as(windowed + "\nserver:\n" + server.output())
                            .contains("Bytes transferred = " + kernel.length)
                            .contains("==> " + kernelExpected);
                    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (!WINDOWED.matcher(server.output()).find() && System.nanoTime() - until < 0) {
                        Thread.sleep(50); // the server logs the transfer when the last ACK arrives
                    }
                    assertThat(server.output()).as("the server's line for the windowed transfer").containsPattern(WINDOWED);
                }
            }
        }
    }
}
