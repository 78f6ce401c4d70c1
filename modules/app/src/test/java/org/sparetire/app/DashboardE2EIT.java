package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.testkit.HeadlessChromium;
import org.sparetire.testkit.NetNamespace;
import org.sparetire.testkit.PeerProgram;

/**
 * The whole appliance in-process, watched through the dashboard in Debian's headless chromium while real
 * programs nobody here wrote play a booting device inside a network namespace: busybox udhcpc gets a
 * lease, curl fetches an image over TFTP, util-linux logger sends a syslog line. The Transfers, Leases,
 * Syslog and Device pages must show all three, the device's story joined by MAC and address. Every page
 * is saved as a screenshot under target/screenshots/.
 *
 * <p>All traffic stays on a veth pair this test creates: the host end (10.78.6.1) is where the services
 * listen, the other end is the "device" namespace. The browser talks to the dashboard on 127.0.0.1.
 */
class DashboardE2EIT {
    /** Where every page's screenshot goes. */
    private static final Path SHOTS = Path.of("target/screenshots");
    private static final Duration T = Duration.ofSeconds(30);
    private static final String DEVICE_MAC = "52:54:00:78:06:42";
    private static final String HOST = "10.78.6.1";
    private static final String IMAGE = "e2e-image.bin";
    private static final String SYSLOG_LINE = "e2e: device booted from sparetire";

    @TempDir
    Path dir;

    @Test
    void aDeviceBootsAndEveryPageShowsIt() throws Exception {
        Path curl = PeerProgram.require("curl", "curl");
        Path logger = PeerProgram.require("logger", "bsdutils");
        PeerProgram.require("busybox", "busybox");
        PeerProgram.require("chromedriver", "chromium-driver");
        PeerProgram.require("chromium", "chromium");

        Path root = Files.createDirectories(dir.resolve("tftpboot"));
        byte[] image = new byte[3 * 1024 * 1024];
        new Random(6).nextBytes(image);
        Files.write(root.resolve(IMAGE), image);

        try (NetNamespace device = NetNamespace.create("e2e")) {
            device.linkToHost(HOST + "/24", null);
            device.exec(T, "ip", "link", "set", device.innerInterface(), "address", DEVICE_MAC).assertSuccess();

            Path configFile = Files.writeString(dir.resolve("sparetire.yaml"), """
                    web:
                      bind: 127.0.0.1
                      port: 0
                    tftp:
                      bind: %1$s
                      port: 0
                      root: tftpboot
                    syslog:
                      bind: %1$s
                      udp: {port: 0}
                      directory: logs
                    dhcp:
                      enabled: true
                      interfaces: [%2$s]
                      rogue-check: {action: off}
                      lease-file: leases
                      subnets:
                        - network: 10.78.6.0/24
                          ranges: [{from: 10.78.6.100, to: 10.78.6.109}]
                          lease-time: 10m
                          next-server: %1$s
                    """.formatted(HOST, device.hostInterface()));
            AppConfig config = Appliance.configLoader().load(configFile, ConfigOverrides.none());

            try (RunningAppliance appliance = EpollAppliance.start(config);
                 HeadlessChromium browser = new HeadlessChromium()) {
                String dashboard = "http://127.0.0.1:" + appliance.health().get("web").port("tcp", "http");
                int tftpPort = appliance.health().get("tftp").port("udp", "tftp");
                int syslogPort = appliance.health().get("syslog").port("udp", "syslog");

                // The browser watches the Transfers page live while the device boots.
                browser.open(dashboard + "/transfers");

                // 1. DHCP: busybox udhcpc in the device namespace; its script configures the leased address.
                Path script = dir.resolve("udhcpc.sh");
                Files.writeString(script, """
                        #!/bin/sh
                        case "$1" in
                          bound|renew) ip addr add "$ip/${mask:-24}" dev "$interface" ;;
                        esac
                        exit 0
                        """);
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
                PeerProgram.Result dhcp = device.exec(T, "busybox", "udhcpc", "-i", device.innerInterface(), "-f",
                        "-q", "-n", "-t", "5", "-T", "2", "-s", script.toString(), "-V", "PXEClient:Arch:00007:UNDI:003016");
                assertThat(dhcp.exitCode()).as(dhcp.describe()).isZero();
                String address = device.exec(T, "ip", "-4", "-o", "addr", "show", "dev", device.innerInterface())
                        .assertSuccess().stdout().replaceAll("(?s).*inet (10\\.78\\.6\\.1\\d\\d)/.*", "$1").trim();
                assertThat(address).matches("10\\.78\\.6\\.10[0-9]");

                // 2. TFTP: curl fetches the image from the device's new address.
                Path fetched = dir.resolve("fetched.bin");
                device.exec(T, curl.toString(), "-sS", "-o", fetched.toString(),
                        "tftp://" + HOST + ":" + tftpPort + "/" + IMAGE).assertSuccess();
                assertThat(Files.readAllBytes(fetched)).isEqualTo(image);

                // 3. syslog: util-linux logger from the device.
                device.exec(T, logger.toString(), "--udp", "-n", HOST, "-P", Integer.toString(syslogPort), "-t", "e2e",
                        "-p", "user.warning", SYSLOG_LINE).assertSuccess();

                // Transfers: the live page saw the transfer finish; its bar reached 100%.
                By bar = By.xpath("//table[@id='recent-transfers']//tr[td[contains(@class,'file') and text()='"
                        + IMAGE + "']]//div[contains(@class,'bar')]");
                browser.waitFor(ExpectedConditions.attributeToBe(bar, "data-percent", "100"));
                assertThat(browser.driver().findElement(bar).getText()).isEqualTo("100%");
                WebElement transferRow = browser.driver().findElement(By.xpath(
                        "//table[@id='recent-transfers']//tr[td[text()='" + IMAGE + "']]"));
                assertThat(transferRow.getText()).contains("completed").contains(DEVICE_MAC).contains(address);
                browser.screenshot(SHOTS.resolve("transfers.png"));

                // Leases: the device's MAC with the address it got.
                browser.open(dashboard + "/leases");
                WebElement lease = browser.waitFor(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("#leases tr[data-mac='" + DEVICE_MAC + "']")));
                assertThat(lease.getText()).contains(address).contains("bound");
                browser.screenshot(SHOTS.resolve("leases.png"));

                // Syslog: the line, attributed to the device.
                browser.open(dashboard + "/syslog");
                WebElement line = browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.xpath(
                        "//table[@id='syslog']//tr[td[contains(@class,'message') and contains(text(),'" + SYSLOG_LINE
                                + "')]]")));
                assertThat(line.getText()).contains(DEVICE_MAC).contains("warning");
                browser.screenshot(SHOTS.resolve("syslog.png"));

                // Device: clicking the MAC tells the story in order: lease, then the transfer, then the line.
                line.findElement(By.cssSelector("a.device-link")).click();
                browser.waitFor(ExpectedConditions.urlContains("/device/"));
                browser.waitFor(d -> d.findElements(By.cssSelector("#timeline li.entry.kind-syslog")).size() == 1);
                List<String> kinds = browser.driver().findElements(By.cssSelector("#timeline li.entry")).stream()
                        .map(e -> e.getAttribute("class").replace("entry kind-", "")).toList();
                assertThat(kinds).containsSubsequence("dhcp", "tftp", "syslog");
                assertThat(kinds.indexOf("dhcp")).isLessThan(kinds.indexOf("tftp"));
                assertThat(browser.driver().findElement(By.id("timeline")).getText()).contains(IMAGE).contains(SYSLOG_LINE);
                assertThat(browser.driver().findElement(By.id("device-title")).getText()).contains(DEVICE_MAC);
                browser.screenshot(SHOTS.resolve("device.png"));

                browser.open(dashboard + "/overview");
                browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#services .service")));
                assertThat(browser.driver().findElement(By.id("services")).getText()).contains("tftp").contains("dhcp")
                        .contains("syslog").contains("web");
                browser.screenshot(SHOTS.resolve("overview.png"));

                browser.open(dashboard + "/config");
                browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("config-effective")));
                browser.screenshot(SHOTS.resolve("config.png"));
            }
        }
    }
}
