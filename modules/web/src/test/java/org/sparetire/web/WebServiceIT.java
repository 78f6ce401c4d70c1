package org.sparetire.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.lifecycle.ServiceState;
import org.sparetire.testkit.Events;
import org.sparetire.testkit.TestServices;

/** The dashboard on a real loopback socket, fed synthetic events through a real event bus. */
class WebServiceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).build();
    private final ServiceContext context = TestServices.context();
    private WebService service;

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.stop(Duration.ofSeconds(1));
        }
        context.net().close();
    }

    private FakeAppliance start(String yaml) throws Exception {
        FakeAppliance appliance = new FakeAppliance(yaml);
        service = new WebService(appliance.webConfig(), context, appliance);
        service.start();
        return appliance;
    }

    private int port() {
        return service.health().port("tcp", "http");
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .timeout(Duration.ofSeconds(15));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        return JSON.readTree(r.body());
    }

    @Test
    void servesThePageAndEveryApiFromEvents() throws Exception {
        start("web:\n  port: 0\n");
        Instant t0 = context.clock().now();
        context.events().publish(Events.ack(t0, "52:54:00:00:00:01", "127.0.0.5", Duration.ofHours(1)));
        context.events().publish(Events.started(t0, 1, "127.0.0.5", "ipxe.efi", 1000));
        context.events().publish(Events.progress(t0.plusMillis(500), 1, "127.0.0.5", 500, 1000));
        context.events().publish(Events.syslog(t0.plusSeconds(1), "127.0.0.5", 4, "link up <script>"));

        HttpResponse<String> page = get("/transfers");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"/assets/app.js\"");
        assertThat(page.headers().firstValue("content-security-policy").orElse("")).contains("default-src 'self'");
        assertThat(get("/assets/app.js").body()).contains("EventSource");
        assertThat(get("/assets/../pom.xml").statusCode()).isEqualTo(404);

        JsonNode transfers = getJson("/api/transfers");
        JsonNode live = transfers.get("active").get(0);
        assertThat(live.get("mac").asText()).isEqualTo("52:54:00:00:00:01");
        assertThat(live.get("fraction").asDouble()).isEqualTo(0.5);
        assertThat(live.get("bytesPerSecond").asLong()).isEqualTo(1000);
        assertThat(live.get("etaSeconds").asLong()).isEqualTo(1);

        context.events().publish(Events.finished(t0.plusSeconds(1), 1, "127.0.0.5", "ipxe.efi", 1000,
                Duration.ofSeconds(1), TransferOutcome.COMPLETED));
        transfers = getJson("/api/transfers?outcome=completed");
        assertThat(transfers.get("active")).isEmpty();
        assertThat(transfers.get("recent").get(0).get("fraction").asDouble()).isEqualTo(1.0);
        assertThat(getJson("/api/transfers?outcome=failed").get("recent")).isEmpty();
        assertThat(getJson("/api/transfers?q=IPXE").get("recent")).hasSize(1);

        JsonNode leases = getJson("/api/leases").get("leases");
        assertThat(leases.get(0).get("state").asText()).isEqualTo("bound");
        assertThat(leases.get(0).get("architectureName").asText()).isEqualTo("x64 UEFI");

        JsonNode syslog = getJson("/api/syslog?severity=warning&device=52:54:00:00:00:01").get("lines");
        assertThat(syslog).hasSize(1);
        assertThat(syslog.get(0).get("message").asText()).isEqualTo("link up <script>");
        assertThat(get("/api/syslog").body()).doesNotContain("<script>").contains("\\u003cscript\\u003e");
        assertThat(getJson("/api/syslog?severity=err").get("lines")).isEmpty();

        JsonNode device = getJson("/api/devices/52:54:00:00:00:01");
        assertThat(device.get("entries")).extracting(e -> e.get("kind").asText())
                .containsExactly("dhcp", "tftp", "syslog", "tftp");
        assertThat(getJson("/api/devices/127.0.0.5").get("holder").asText()).isEqualTo("52:54:00:00:00:01");
        assertThat(get("/api/devices/not-a-device").statusCode()).isEqualTo(400);

        JsonNode overview = getJson("/api/overview");
        assertThat(overview.get("services")).extracting(s -> s.get("name").asText()).containsExactly("tftp", "dhcp");
        assertThat(overview.get("totals").get("transfersByOutcome").get("completed").asLong()).isEqualTo(1);
        assertThat(overview.get("totals").get("syslogDropped").asLong()).isEqualTo(3);
    }

    @Test
    void leasesTheDhcpServiceAlreadyHoldsShowOnceItRuns() throws Exception {
        FakeAppliance appliance = start("web:\n  port: 0\n");
        assertThat(getJson("/api/leases").get("leases")).isEmpty();
        appliance.current.add(Events.ack(context.clock().now().minusSeconds(600), "52:54:00:00:00:77", "127.0.0.77",
                Duration.ofHours(1)));
        context.events().publish(new org.sparetire.core.event.ServiceStateChanged(context.clock().now(), "dhcp",
                ServiceState.RUNNING, ""));
        JsonNode lease = getJson("/api/leases").get("leases").get(0);
        assertThat(lease.get("mac").asText()).isEqualTo("52:54:00:00:00:77");
        assertThat(lease.get("state").asText()).isEqualTo("bound");
        assertThat(getJson("/api/devices/127.0.0.77").get("holder").asText()).isEqualTo("52:54:00:00:00:77");
    }

    @Test
    void leasesAnotherServerGrantedInASharedStoreShowAtOnce() throws Exception {
        FakeAppliance appliance = start("web:\n  port: 0\n");
        Instant t0 = context.clock().now();
        context.events().publish(Events.ack(t0, "52:54:00:00:00:78", "127.0.0.78", Duration.ofHours(1)));
        assertThat(getJson("/api/leases").get("leases")).hasSize(1);
        // The other server's lease is only in the shared store: no event here, no restart.
        appliance.leasesShared = true;
        appliance.current.add(Events.ack(t0, "52:54:00:00:00:79", "127.0.0.79", Duration.ofHours(1)));
        appliance.current.add(Events.ack(t0, "52:54:00:00:00:78", "127.0.0.78", Duration.ofHours(1)));
        JsonNode leases = getJson("/api/leases").get("leases");
        assertThat(leases).extracting(l -> l.get("mac").asText())
                .containsExactlyInAnyOrder("52:54:00:00:00:78", "52:54:00:00:00:79");
        assertThat(getJson("/api/devices/127.0.0.79").get("holder").asText()).isEqualTo("52:54:00:00:00:79");
    }

    @Test
    void metricsAreExposedInPrometheusTextFormat() throws Exception {
        start("web:\n  port: 0\n");
        Instant t0 = context.clock().now();
        context.events().publish(Events.started(t0, 7, "127.0.0.9", "a.bin", 10));
        context.events().publish(Events.finished(t0, 7, "127.0.0.9", "a.bin", 10, Duration.ofMillis(5),
                TransferOutcome.COMPLETED));
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain; version=0.0.4");
        assertThat(r.body())
                .contains("sparetire_tftp_transfers_total{direction=\"read\",outcome=\"completed\"} 1.0")
                .contains("sparetire_tftp_bytes_total{direction=\"read\"} 10.0")
                .contains("sparetire_tftp_retransmits_total 2.0")
                .contains("sparetire_dhcp_pool_utilisation_ratio{pool=\"lab 10.77.0.100-10.77.0.199\"} 0.25")
                .contains("sparetire_syslog_messages_dropped_total 3.0")
                .contains("sparetire_service_up{service=\"tftp\"} 1.0");
    }

    @Test
    void liveStreamDeliversUpdatesAsServerSentEvents() throws Exception {
        start("web:\n  port: 0\n");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port())) {
            s.setSoTimeout(15000);
            s.getOutputStream().write(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            Thread reader = new Thread(() -> {
                try {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (java.io.IOException e) {
                    lines.add("closed: " + e);
                }
            });
            reader.setDaemon(true);
            reader.start();
            assertThat(lines.poll(15, TimeUnit.SECONDS)).isEqualTo("HTTP/1.1 200 OK");
            awaitLine(lines, "retry: 3000");
            assertThat(service.health().detail()).contains("1 live views");
            context.events().publish(Events.syslog(context.clock().now(), "127.0.0.7", 6, "booting"));
            awaitLine(lines, "event: syslog");
            String data = lines.poll(15, TimeUnit.SECONDS);
            assertThat(data).startsWith("data: {").contains("\"message\":\"booting\"");
        }
    }

    private static void awaitLine(BlockingQueue<String> lines, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.contains(wanted)) {
                return;
            }
        }
        throw new AssertionError("no line '" + wanted + "' within 15 s");
    }

    @Test
    void stateChangesNeedPostSessionAndCsrfToken() throws Exception {
        FakeAppliance appliance = start("web:\n  port: 0\n");
        Map<String, String> local = Map.of("Host", "127.0.0.1:" + port());
        assertThat(RawHttp.send(port(), "GET", "/api/reload", local, null).status()).isEqualTo(405);
        RawHttp.Reply noSession = RawHttp.send(port(), "POST", "/api/reload", local, "");
        assertThat(noSession.status()).isEqualTo(403);
        assertThat(noSession.body()).contains("X-CSRF-Token");

        RawHttp.Reply session = RawHttp.send(port(), "GET", "/api/session", local, null);
        String cookie = session.headers().get("set-cookie");
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict");
        String csrf = JSON.readTree(session.body()).get("csrf").asText();
        String cookiePair = cookie.substring(0, cookie.indexOf(';'));

        RawHttp.Reply wrongToken = RawHttp.send(port(), "POST", "/api/reload",
                Map.of("Host", "127.0.0.1", "Cookie", cookiePair, "X-CSRF-Token", "guess"), "");
        assertThat(wrongToken.status()).isEqualTo(403);
        RawHttp.Reply crossSite = RawHttp.send(port(), "POST", "/api/reload", Map.of("Host", "127.0.0.1:" + port(),
                "Cookie", cookiePair, "X-CSRF-Token", csrf, "Origin", "http://evil.example"), "");
        assertThat(crossSite.status()).isEqualTo(403);

        appliance.text = "web:\n  port: 0\n  histroy: {}\n";
        RawHttp.Reply rejected = RawHttp.send(port(), "POST", "/api/reload", Map.of("Host", "127.0.0.1:" + port(),
                "Cookie", cookiePair, "X-CSRF-Token", csrf, "Origin", "http://127.0.0.1:" + port(),
                "Sec-Fetch-Site", "same-origin"), "");
        assertThat(rejected.status()).isEqualTo(422);
        JsonNode problem = JSON.readTree(rejected.body()).get("problems").get(0);
        assertThat(problem.get("line").asInt()).isEqualTo(3);
        assertThat(problem.get("column").asInt()).isEqualTo(3);
        assertThat(problem.get("message").asText()).isEqualTo("unknown key 'web.histroy' (did you mean 'history'?)");

        RawHttp.Reply release = RawHttp.send(port(), "POST", "/api/leases/52-54-00-00-00-0A/release",
                Map.of("Host", "localhost", "Cookie", cookiePair, "X-CSRF-Token", csrf), "");
        assertThat(release.status()).isEqualTo(200);
        assertThat(appliance.released).containsExactly("52:54:00:00:00:0a");
        appliance.releaseSupported = false;
        assertThat(RawHttp.send(port(), "POST", "/api/leases/52:54:00:00:00:0a/release",
                Map.of("Host", "localhost", "Cookie", cookiePair, "X-CSRF-Token", csrf), "").status()).isEqualTo(501);
    }

    @Test
    void foreignHostNamesAreRefusedWithoutToken() throws Exception {
        start("web:\n  port: 0\n");
        // DNS rebinding: evil.example resolves to 127.0.0.1, the browser sends its own name as Host.
        RawHttp.Reply r = RawHttp.send(port(), "GET", "/api/leases", Map.of("Host", "evil.example:" + port()), null);
        assertThat(r.status()).isEqualTo(403);
        assertThat(RawHttp.send(port(), "GET", "/api/leases", Map.of("Host", "localhost:" + port()), null).status())
                .isEqualTo(200);
        assertThat(RawHttp.send(port(), "GET", "/", Map.of("Host", "evil.example"), null).status()).isEqualTo(403);
    }

    @Test
    void tokenProtectsReadsAndSignInGivesASession() throws Exception {
        start("web:\n  port: 0\n  token: correct-horse-battery\n");
        assertThat(get("/api/overview").statusCode()).isEqualTo(401);
        assertThat(get("/metrics").statusCode()).isEqualTo(401);
        assertThat(get("/metrics", "Authorization", "Bearer correct-horse-battery").statusCode()).isEqualTo(200);
        assertThat(get("/api/overview", "Authorization", "Bearer wrong-horse-battery!").statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(get("/api/session").body()).get("authenticated").asBoolean()).isFalse();
        assertThat(get("/overview").statusCode()).as("the page itself holds no data").isEqualTo(200);

        Map<String, String> form = Map.of("Host", "127.0.0.1", "Content-Type", "application/x-www-form-urlencoded");
        assertThat(RawHttp.send(port(), "POST", "/api/login", form, "token=nope").status()).isEqualTo(401);
        RawHttp.Reply ok = RawHttp.send(port(), "POST", "/api/login", form, "token=correct-horse-battery");
        assertThat(ok.status()).isEqualTo(200);
        String cookie = ok.headers().get("set-cookie");
        String pair = cookie.substring(0, cookie.indexOf(';'));
        assertThat(RawHttp.send(port(), "GET", "/api/overview", Map.of("Host", "anything", "Cookie", pair), null)
                .status()).isEqualTo(200);

        JsonNode config = JSON.readTree(get("/api/config", "Authorization", "Bearer correct-horse-battery").body());
        assertThat(config.get("text").asText()).doesNotContain("correct-horse-battery").contains("token: ********");
        assertThat(config.get("effective").asText()).doesNotContain("correct-horse-battery");
    }

    @Test
    void reconfigureMovesThePortWithoutDroppingOpenStreams() throws Exception {
        FakeAppliance appliance = start("web:\n  port: 0\n");
        int oldPort = port();
        try (Socket stream = new Socket(InetAddress.getLoopbackAddress(), oldPort)) {
            stream.setSoTimeout(15000);
            stream.getOutputStream().write("GET /api/events HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(stream.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");

            int newPort;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                newPort = probe.getLocalPort();
            }
            WebConfig moved = FakeAppliance.load("web:\n  port: " + newPort + "\n  history:\n    syslog: 10\n")
                    .section(WebConfig.SECTION);
            service.reconfigure(moved);
            assertThat(port()).isEqualTo(newPort);
            assertThat(get("/api/overview").statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), oldPort).close())
                    .isInstanceOf(ConnectException.class);

            context.events().publish(Events.syslog(context.clock().now(), "127.0.0.8", 6, "still here"));
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.contains("still here"));
            assertThat(line).as("the stream opened before the move still gets updates").contains("still here");
        }
        assertThat(appliance).isNotNull();
    }

    @Test
    void aReconfigureToATakenPortKeepsServingWhereItWas() throws Exception {
        start("web:\n  port: 0\n");
        int before = port();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            WebConfig wanted = FakeAppliance.load("web:\n  port: " + taken.getLocalPort() + "\n").section(WebConfig.SECTION);
            assertThatThrownBy(() -> service.reconfigure(wanted)).isInstanceOf(ServiceStartException.class)
                    .hasMessageContaining("cannot bind 127.0.0.1:" + taken.getLocalPort() + ": address already in use");
        }
        assertThat(port()).isEqualTo(before);
        assertThat(get("/api/overview").statusCode()).isEqualTo(200);
        assertThat(service.health().state()).isEqualTo(ServiceState.RUNNING);
    }

    @Test
    void aTakenPortFailsStartWithOneLineAndLeavesNothingBound() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            FakeAppliance appliance = new FakeAppliance("web:\n  port: " + taken.getLocalPort() + "\n");
            WebService s = new WebService(appliance.webConfig(), context, appliance);
            assertThatThrownBy(s::start).isInstanceOf(ServiceStartException.class)
                    .hasMessage("cannot bind 127.0.0.1:" + taken.getLocalPort()
                            + ": address already in use (another program serves this port: stop it or set web.port)");
            assertThat(s.health().state()).isEqualTo(ServiceState.FAILED);
            assertThat(s.health().endpoints()).isEmpty();
        }
    }

    @Test
    void stopClosesTheListener() throws Exception {
        start("web:\n  port: 0\n");
        int p = port();
        service.stop(Duration.ofSeconds(1));
        assertThat(service.health().state()).isEqualTo(ServiceState.TERMINATED);
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), p).close())
                .isInstanceOf(ConnectException.class);
        service = null;
    }
}
