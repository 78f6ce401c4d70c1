package org.sparetire.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.testkit.Events;
import org.sparetire.testkit.HeadlessChromium;
import org.sparetire.testkit.TestServices;

/**
 * The pages in a real headless browser, fed synthetic events: live progress over server-sent events,
 * device links, syslog filters, inline config errors. Screenshots land in target/screenshots/.
 */
class DashboardBrowserIT {
    private static final Path SHOTS = Path.of("target/screenshots");
    private static final String MAC = "52:54:00:12:34:56";

    private final ServiceContext context = TestServices.context();
    private FakeAppliance appliance;
    private WebService service;
    private HeadlessChromium chromium;
    private String base;

    @BeforeEach
    void setUp() throws Exception {
        appliance = new FakeAppliance("web:\n  port: 0\n");
        service = new WebService(appliance.webConfig(), context, appliance);
        service.start();
        base = "http://127.0.0.1:" + service.health().port("tcp", "http");
        chromium = new HeadlessChromium();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        service.stop(Duration.ofSeconds(1));
        context.net().close();
    }

    private void open(String path) {
        chromium.open(base + path);
    }

    @Test
    void transferProgressMovesLiveToOneHundredPercent() throws Exception {
        Instant t0 = context.clock().now();
        context.events().publish(Events.ack(t0, MAC, "127.0.0.44", Duration.ofHours(1)));
        open("/transfers");
        context.events().publish(Events.started(t0, 42, "127.0.0.44", "images/ipxe.efi", 4000));
        context.events().publish(Events.progress(t0.plusSeconds(1), 42, "127.0.0.44", 1000, 4000));
        By liveBar = By.cssSelector("#active-transfers tr[data-id='42'] .bar");
        chromium.waitFor(ExpectedConditions.attributeToBe(liveBar, "data-percent", "25"));
        assertThat(chromium.driver().findElement(By.cssSelector("#active-transfers tr[data-id='42'] a.device-link"))
                .getText()).startsWith(MAC);
        chromium.screenshot(SHOTS.resolve("transfers-live.png"));

        context.events().publish(Events.finished(t0.plusSeconds(2), 42, "127.0.0.44", "images/ipxe.efi", 4000,
                Duration.ofSeconds(2), TransferOutcome.COMPLETED));
        By doneBar = By.cssSelector("#recent-transfers tr[data-id='42'] .bar");
        chromium.waitFor(ExpectedConditions.attributeToBe(doneBar, "data-percent", "100"));
        assertThat(chromium.driver().findElement(doneBar).getText()).isEqualTo("100%");
        assertThat(chromium.driver().findElements(By.cssSelector("#active-transfers tr[data-id='42']"))).isEmpty();
        chromium.screenshot(SHOTS.resolve("transfers-done.png"));

        // The filter hides what does not match.
        chromium.driver().findElement(By.id("transfer-filter")).sendKeys("nothing-like-this");
        chromium.waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#recent-transfers tr.transfer"), 0));
    }

    @Test
    void aDeviceLinkLeadsToItsTimeline() throws Exception {
        Instant t0 = context.clock().now();
        context.events().publish(Events.ack(t0, MAC, "127.0.0.45", Duration.ofHours(1)));
        context.events().publish(Events.started(t0.plusSeconds(1), 7, "127.0.0.45", "pxelinux.0", 100));
        context.events().publish(Events.finished(t0.plusSeconds(2), 7, "127.0.0.45", "pxelinux.0", 100,
                Duration.ofSeconds(1), TransferOutcome.COMPLETED));
        context.events().publish(Events.syslog(t0.plusSeconds(3), "127.0.0.45", 3, "%LINK-3-UPDOWN: Gi0/1 down"));
        context.events().publish(Events.syslog(t0.plusSeconds(4), "127.0.0.99", 6, "someone else"));
        context.events().publish(Events.finished(t0.plusSeconds(4), 8, "127.0.0.99", "other.bin", 100,
                Duration.ofSeconds(1), TransferOutcome.COMPLETED));

        open("/leases");
        WebElement row = chromium.waitFor(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#leases tr[data-mac='" + MAC + "']")));
        assertThat(row.getText()).contains("127.0.0.45").contains("x64 UEFI").contains("uefi-x64").contains("bound");
        chromium.screenshot(SHOTS.resolve("leases.png"));

        open("/syslog");
        chromium.waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#syslog tr.syslog-line"), 2));
        new org.openqa.selenium.support.ui.Select(chromium.driver().findElement(By.id("syslog-severity")))
                .selectByValue("err");
        chromium.waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#syslog tr.syslog-line"), 1));
        chromium.screenshot(SHOTS.resolve("syslog.png"));
        chromium.driver().findElement(By.cssSelector("#syslog tr.syslog-line a.device-link")).click();

        chromium.waitFor(ExpectedConditions.urlContains("/device/"));
        chromium.waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#timeline li.entry"), 4));
        List<String> kinds = chromium.driver().findElements(By.cssSelector("#timeline li.entry")).stream()
                .map(e -> e.getAttribute("class")).toList();
        assertThat(kinds).containsExactly("entry kind-dhcp", "entry kind-tftp", "entry kind-tftp", "entry kind-syslog");
        assertThat(chromium.driver().findElement(By.id("device-title")).getText()).contains(MAC);
        // Live: a new line from the device appears without reloading.
        context.events().publish(Events.syslog(context.clock().now(), "127.0.0.45", 6, "back up"));
        chromium.waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#timeline li.entry"), 5));
        chromium.screenshot(SHOTS.resolve("device.png"));

        // The device's transfers, and no one else's.
        chromium.driver().findElement(By.linkText("transfers")).click();
        chromium.waitFor(ExpectedConditions.urlContains("/transfers?device="));
        chromium.waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#recent-transfers tr.transfer"), 1));
        assertThat(chromium.driver().findElement(By.cssSelector("#recent-transfers tr.transfer")).getText())
                .contains("pxelinux.0");
        chromium.driver().findElement(By.cssSelector("#device-filter button")).click();
        chromium.waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#recent-transfers tr.transfer"), 2));
    }

    @Test
    void withATokenTheBrowserSignsInAndThenMayReload() throws Exception {
        service.stop(Duration.ofSeconds(1));
        appliance = new FakeAppliance("web:\n  port: 0\n  token: let-me-in-0123456789\n");
        service = new WebService(appliance.webConfig(), context, appliance);
        service.start();
        base = "http://127.0.0.1:" + service.health().port("tcp", "http");

        chromium.driver().get(base + "/config");
        WebElement token = chromium.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("token")));
        token.sendKeys("wrong-token-0123456789");
        chromium.driver().findElement(By.cssSelector("#login button")).click();
        chromium.waitFor(ExpectedConditions.textToBe(By.id("login-error"), "wrong access token"));
        chromium.driver().findElement(By.id("token")).clear();
        chromium.driver().findElement(By.id("token")).sendKeys("let-me-in-0123456789");
        chromium.driver().findElement(By.cssSelector("#login button")).click();
        chromium.waitFor(d -> d.findElement(By.id("live")).getText().equals("live"));
        chromium.driver().findElement(By.id("reload")).click();
        chromium.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("reload-result"), "applied"));
        assertThat(chromium.driver().getPageSource()).doesNotContain("let-me-in-0123456789");
    }

    @Test
    void aBrokenConfigShowsItsErrorsInlineAndTheTokenNever() throws Exception {
        open("/overview");
        chromium.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#services .service")));
        chromium.screenshot(SHOTS.resolve("overview.png"));

        appliance.text = "web:\n  port: 0\n  max-clients: lots\n  token: never-show-this-secret\n";
        open("/config");
        chromium.driver().findElement(By.id("reload")).click();
        WebElement problem = chromium.waitFor(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#config-source .problem[data-line='3']")));
        assertThat(problem.getAttribute("data-column")).isEqualTo("16");
        assertThat(problem.getText()).contains("3:16").contains("expected a whole number");
        assertThat(chromium.driver().findElement(By.cssSelector(".line[data-line='3']")).getAttribute("class"))
                .contains("has-problem");
        assertThat(chromium.driver().findElement(By.id("reload-result")).getText()).contains("rejected");
        assertThat(chromium.driver().getPageSource()).doesNotContain("never-show-this-secret");
        chromium.screenshot(SHOTS.resolve("config.png"));
    }
}
