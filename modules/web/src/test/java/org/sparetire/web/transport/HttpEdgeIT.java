package org.sparetire.web.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sparetire.core.lifecycle.ReloadReport;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.testkit.TestServices;
import org.sparetire.web.FakeAppliance;
import org.sparetire.web.RawHttp;
import org.sparetire.web.WebService;

/** What a hostile or clumsy client can do to the listener, and how stop treats work in flight. */
class HttpEdgeIT {
    private final ServiceContext context = TestServices.context();
    private WebService service;

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.stop(Duration.ofSeconds(1));
        }
        context.net().close();
    }

    private int start(FakeAppliance appliance) throws Exception {
        service = new WebService(appliance.webConfig(), context, appliance);
        service.start();
        return service.health().port("tcp", "http");
    }

    @Test
    void garbageGetsA400AndTheServerGoesOn() throws Exception {
        int port = start(new FakeAppliance("web:\n  port: 0\n"));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(15000);
            s.getOutputStream().write("\u0016\u0003\u0001 not http at all\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(reply).startsWith("HTTP/1.1 400");
        }
        assertThat(RawHttp.send(port, "GET", "/api/overview", Map.of("Host", "localhost"), null).status()).isEqualTo(200);
    }

    @Test
    void anOversizedBodyIsRefused() throws Exception {
        int port = start(new FakeAppliance("web:\n  port: 0\n"));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(15000);
            // Only the head: the listener must refuse on the declared length, before reading any of it.
            s.getOutputStream().write(("POST /api/login HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readLine(s.getInputStream())).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
        }
        assertThat(RawHttp.send(port, "GET", "/api/overview", Map.of("Host", "localhost"), null).status()).isEqualTo(200);
    }

    @Test
    void connectionsBeyondTheLimitGet503() throws Exception {
        int port = start(new FakeAppliance("web:\n  port: 0\n  max-clients: 4\n"));
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                s.getOutputStream().write("GET /api/events HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.setSoTimeout(15000);
                assertThat(readLine(s.getInputStream())).isEqualTo("HTTP/1.1 200 OK");
                held.add(s);
            }
            try (Socket extra = new Socket(InetAddress.getLoopbackAddress(), port)) {
                extra.setSoTimeout(15000);
                String reply = new String(extra.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(reply).startsWith("HTTP/1.1 503").contains("web.max-clients");
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        // Closed connections free their places again.
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline && status != 200) {
            // The server may not have seen the closes yet: a 503 (or a reset) means try again.
            try {
                status = RawHttp.send(port, "GET", "/api/overview", Map.of("Host", "localhost"), null).status();
            } catch (java.net.SocketException e) {
                status = -1;
            }
        }
        assertThat(status).isEqualTo(200);
    }

    @Test
    void stopLetsAReloadInFlightAnswerWithinTheGrace() throws Exception {
        CompletableFuture<ReloadReport> slow = new CompletableFuture<>();
        FakeAppliance appliance = new FakeAppliance("web:\n  port: 0\n");
        java.util.concurrent.CountDownLatch reloadAsked = new java.util.concurrent.CountDownLatch(1);
        appliance.reloadOverride = () -> {
            reloadAsked.countDown();
            return slow;
        };
        int port = start(appliance);
        RawHttp.Reply session = RawHttp.send(port, "GET", "/api/session", Map.of("Host", "localhost"), null);
        String cookie = session.headers().get("set-cookie").split(";")[0];
        String csrf = session.body().replaceAll(".*\"csrf\":\"([^\"]+)\".*", "$1");
        CompletableFuture<RawHttp.Reply> reply = CompletableFuture.supplyAsync(() -> {
            try {
                return RawHttp.send(port, "POST", "/api/reload",
                        Map.of("Host", "localhost", "Cookie", cookie, "X-CSRF-Token", csrf), "");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        // The session request may still count as in flight for a moment after its answer arrived, so wait
        // for the reload itself to be under way rather than for the in-flight counter.
        assertThat(reloadAsked.await(15, TimeUnit.SECONDS)).as("the reload request reached the appliance").isTrue();
        // The session request's own count is dropped just after its answer is written, so "2 in flight" can
        // be seen for a moment; the reload stays in flight until `slow` completes below.
        assertThat(eventuallyOneInFlight()).as("the reload counts as the one request in flight").isTrue();
        CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS)
                .execute(() -> slow.complete(new ReloadReport(true, List.of(), List.of("tftp: reconfigured"))));
        long t0 = System.nanoTime();
        service.stop(Duration.ofSeconds(10));
        long stopMillis = (System.nanoTime() - t0) / 1_000_000;
        service = null;
        RawHttp.Reply r = reply.get(15, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("tftp: reconfigured");
        assertThat(stopMillis).as("stop waited for the reload, not the whole grace").isBetween(200L, 9000L);
    }

    private boolean eventuallyOneInFlight() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (service.health().detail().contains(", 1 requests in flight")) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    private static String readLine(InputStream in) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
