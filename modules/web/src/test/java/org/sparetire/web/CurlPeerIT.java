package org.sparetire.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.testkit.Events;
import org.sparetire.testkit.PeerProgram;
import org.sparetire.testkit.TestServices;

/** curl, an HTTP client nobody here wrote, as Prometheus and scripts would use the dashboard. */
class CurlPeerIT {
    private final ServiceContext context = TestServices.context();
    private WebService service;

    @AfterEach
    void tearDown() {
        service.stop(Duration.ofSeconds(1));
        context.net().close();
    }

    private String base(String yaml) throws Exception {
        FakeAppliance appliance = new FakeAppliance(yaml);
        service = new WebService(appliance.webConfig(), context, appliance);
        service.start();
        return "http://127.0.0.1:" + service.health().port("tcp", "http");
    }

    @Test
    void scrapesMetricsWithABearerToken() throws Exception {
        Path curl = PeerProgram.require("curl", "curl");
        String base = base("web:\n  port: 0\n  token: scrape-me-please-0123\n");
        context.events().publish(Events.finished(context.clock().now(), 1, "127.0.0.3", "x.bin", 5,
                Duration.ofMillis(3), TransferOutcome.TIMED_OUT));
        PeerProgram.Result denied = PeerProgram.run(Duration.ofSeconds(20), curl.toString(), "-s", "-o", "/dev/null",
                "-w", "%{http_code}", base + "/metrics");
        assertThat(denied.stdout()).isEqualTo("401");
        PeerProgram.Result ok = PeerProgram.run(Duration.ofSeconds(20), curl.toString(), "-sf",
                "-H", "Authorization: Bearer scrape-me-please-0123", base + "/metrics").assertSuccess();
        assertThat(ok.stdout()).contains("sparetire_tftp_transfers_total{direction=\"read\",outcome=\"timed_out\"} 1.0");
    }

    @Test
    @SuppressWarnings("try") // closing the background curl may be interrupted; the test then fails, as it should
    void followsTheLiveFeed() throws Exception {
        Path curl = PeerProgram.require("curl", "curl");
        String base = base("web:\n  port: 0\n");
        try (PeerProgram.Background stream = PeerProgram.start(Path.of("target/curl-sse.log"), curl.toString(), "-sN",
                "--max-time", "20", base + "/api/events")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (service.health().detail().contains("0 live views") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            context.events().publish(Events.syslog(context.clock().now(), "127.0.0.4", 2, "fan failure"));
            while (!stream.output().contains("fan failure") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(stream.output()).contains("event: syslog\ndata: {").contains("\"severityName\":\"crit\"");
        }
    }
}
