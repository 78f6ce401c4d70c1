package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.testkit.HeadlessChromium;
import org.sparetire.testkit.NetNamespace;
import org.sparetire.testkit.PeerProgram;

/**
 * A technician's bench, end to end: the Overview in headless chromium says which address to point a device
 * at and where the folders are; the Files page offers, for the interface the device is on, a U-Boot line;
 * that line typed into a real U-Boot (QEMU's arm64 board under TCG) fetches the file whole (U-Boot's crc32
 * of the bytes in memory is the file's).
 *
 * <p>The appliance runs in this JVM; its TFTP listens on port 69 (U-Boot cannot ask for another) of the
 * host end of a veth pair this test creates (10.67.0.1). The other end is bridged, inside a namespace, to
 * the tap QEMU's NIC uses. The browser talks to the dashboard on 127.0.0.1.
 */
class FilesPageUBootIT {
    /** Where every page's screenshot goes. */
    private static final Path SHOTS = Path.of("target/screenshots");
    private static final Duration T = Duration.ofSeconds(10);
    private static final String HOST = "10.67.0.1";
    private static final String FILE = "fw.bin";

    @TempDir
    Path dir;

    @Test
    void theUBootLineOfTheFilesPageFetchesTheFile() throws Exception {
        PeerProgram.require("qemu-system-aarch64", "qemu-system-arm");
        assertThat(UBootConsole.UBOOT).as("U-Boot for QEMU's arm64 board (apt-get install u-boot-qemu)").exists();
        PeerProgram.require("chromedriver", "chromium-driver");
        PeerProgram.require("chromium", "chromium");

        Path root = Files.createDirectories(dir.resolve("tftpboot"));
        byte[] image = new byte[200_000];
        new Random(25).nextBytes(image);
        Files.write(root.resolve(FILE), image);
        CRC32 crc = new CRC32();
        crc.update(image);

        try (NetNamespace bench = NetNamespace.create("ufiles")) {
            bench.linkToHost(HOST + "/24", null);
            bench.exec(T, "ip", "link", "add", "br0", "type", "bridge").assertSuccess();
            bench.exec(T, "ip", "tuntap", "add", "dev", "tap0", "mode", "tap").assertSuccess();
            bench.exec(T, "ip", "link", "set", "tap0", "master", "br0").assertSuccess();
            bench.exec(T, "ip", "link", "set", bench.innerInterface(), "master", "br0").assertSuccess();
            for (String link : new String[] {"tap0", "br0"}) {
                bench.exec(T, "ip", "link", "set", link, "up").assertSuccess();
            }
            Path configFile = Files.writeString(dir.resolve("sparetire.yaml"), """
                    web: {bind: 127.0.0.1, port: 0}
                    syslog: {enabled: false, directory: logs}
                    tftp:
                      bind: %s
                      port: 69
                      root: tftpboot
                      uploads: {enabled: true, dir: backups}
                    """.formatted(HOST));
            AppConfig config = Appliance.configLoader().load(configFile, ConfigOverrides.none());

            try (RunningAppliance appliance = EpollAppliance.start(config);
                 HeadlessChromium browser = new HeadlessChromium()) {
                String dashboard = "http://127.0.0.1:" + appliance.health().get("web").port("tcp", "http");

                browser.open(dashboard + "/overview");
                browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("here")));
                String here = browser.driver().findElement(By.id("here")).getText();
                assertThat(here).contains("Point your device here").contains(HOST + "/24")
                        .contains(root.toRealPath().toString()).contains(dir.resolve("backups").toString());
                browser.screenshot(SHOTS.resolve("overview-here.png"));

                browser.open(dashboard + "/files");
                browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#files-table tr[data-name='" + FILE + "']")));
                Select device = new Select(browser.driver().findElement(By.id("files-address")));
                device.selectByVisibleText(device.getOptions().stream().map(o -> o.getText())
                        .filter(t -> t.endsWith(" " + HOST)).findFirst().orElseThrow());
                By ubootLine = By.cssSelector("#files-table tr[data-name='" + FILE + "'] .command[data-client='u-boot'] code");
                browser.waitFor(d -> d.findElement(ubootLine).getText().contains(HOST));
                String command = browser.driver().findElement(ubootLine).getText();
                assertThat(command).isEqualTo("setenv serverip " + HOST + "; tftpboot ${loadaddr} " + FILE);

                By sha = By.cssSelector("#files-table tr[data-name='" + FILE + "'] .sha256");
                browser.driver().findElement(sha).findElement(By.tagName("button")).click();
                browser.waitFor(d -> d.findElement(sha).getText().matches("[0-9a-f]{64}"));
                assertThat(browser.driver().findElement(sha).getText())
                        .isEqualTo(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(image)));
                browser.screenshot(SHOTS.resolve("files.png"));

                String console = runInUBoot(bench, command);
                assertThat(console).contains("Bytes transferred = " + image.length)
                        .contains("==> " + String.format("%08x", crc.getValue()));
            }
        }
    }

    /** Gives U-Boot an address on the bench, types the line and a crc32 of what came; the console after. */
    private static String runInUBoot(NetNamespace bench, String command) throws Exception {
        try (UBootConsole console = UBootConsole.boot(bench, "tap0")) {
            console.type("setenv ipaddr 10.67.0.50; setenv netmask 255.255.255.0\n");
            console.type(command + "; crc32 ${fileaddr} ${filesize}\n");
            console.await("==> ", Duration.ofSeconds(120));
            return console.await("\n=> ", Duration.ofSeconds(5));
        }
    }
}
