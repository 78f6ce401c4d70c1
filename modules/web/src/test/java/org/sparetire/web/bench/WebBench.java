package org.sparetire.web.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.sparetire.core.event.ServiceWarning;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.testkit.ManualClock;
import org.sparetire.testkit.TestServices;
import org.sparetire.testkit.Events;
import org.sparetire.web.FakeAppliance;
import org.sparetire.web.WebConfig;
import org.sparetire.web.WebService;
import org.sparetire.web.store.Dashboard;

/**
 * Dashboard figures (scripts/bench/web/run.sh): heap taken by a full history at the default limits,
 * event ingestion rate, live-feed fan-out to browsers, and API latency. Loopback only, bounded counts.
 */
public final class WebBench {
    private WebBench() {
    }

    public static void main(String[] args) throws Exception {
        footprint();
        ingestion();
        liveAndApi();
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Realistic strings: 17-char MACs, 40-char paths, 80-char syslog lines, a handful of DHCP options. */
    private static void feed(Dashboard d, ManualClock clock, int i) {
        String mac = String.format("52:54:%02x:%02x:%02x:%02x", i >> 24 & 0xff, i >> 16 & 0xff, i >> 8 & 0xff, i & 0xff);
        String address = "10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff);
        Instant now = clock.advanceMillis(1).now();
        d.accept(Events.ack(now, mac, address, Duration.ofHours(1)));
        d.accept(Events.started(now, i, address, "images/firmware/model-" + i + "/release-7.2.1.bin", 1 << 20));
        d.accept(Events.finished(now, i, address, "images/firmware/model-" + i + "/release-7.2.1.bin", 1 << 20,
                Duration.ofSeconds(2), TransferOutcome.COMPLETED));
        d.accept(Events.syslog(now, address, 5, "%SYS-5-CONFIG_I: Configured from console by vty0 (10.0.0." + (i % 250)
                + ") line " + i));
    }

    private static void footprint() throws Exception {
        WebConfig.History limits = WebConfig.History.DEFAULTS;
        ManualClock clock = new ManualClock();
        long before = usedHeap();
        Dashboard d = new Dashboard(limits, clock);
        // Enough devices to fill every device's timeline: per-device entries come from one chatty device each.
        int devices = limits.devices();
        for (int i = 0; i < Math.max(limits.syslog(), limits.leases()) * 2; i++) {
            feed(d, clock, i);
        }
        for (int round = 0; round < limits.perDevice(); round++) {
            for (int i = 0; i < devices; i++) {
                String address = "10.200." + (i >> 8 & 0xff) + "." + (i & 0xff);
                d.accept(Events.syslog(clock.advanceMillis(1).now(), address, 6,
                        "%LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet0/" + round + ", changed state"));
            }
        }
        for (int i = 0; i < limits.warnings() * 2; i++) {
            d.accept(new ServiceWarning(clock.now(), "dhcp", "another DHCP server answers on eth1 (10.0.0.254) #" + i));
        }
        long full = usedHeap() - before;
        // Twice as much again: the history must not grow past its limits.
        for (int i = 0; i < Math.max(limits.syslog(), limits.leases()) * 2; i++) {
            feed(d, clock, 1_000_000 + i);
        }
        long after = usedHeap() - before;
        System.out.printf(Locale.ROOT, "history footprint at default limits: %.1f MiB with every limit full, %.1f MiB after as many events again from new devices "
                        + "(never more: the least recently heard devices are forgotten; estimate in WebConfig.History: %.1f MiB); %s%n", full / 1048576.0, after / 1048576.0,
                limits.approximateBytes() / 1048576.0, d.historyUse());
        if (d.devices().size() != limits.devices()) {
            throw new AssertionError("devices not at limit: " + d.devices().size());
        }
    }

    private static void ingestion() {
        ManualClock clock = new ManualClock();
        Dashboard d = new Dashboard(WebConfig.History.DEFAULTS, clock);
        int n = 200_000;
        for (int i = 0; i < 20_000; i++) {
            feed(d, clock, i); // warm-up
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            feed(d, clock, 100_000 + i);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "ingestion: %d events in %.2f s = %.0f events/s on one thread (4 per device round)%n",
                4 * n, s, 4 * n / s);
    }

    private static void publish(ServiceContext context, int i) {
        context.events().publish(Events.syslog(context.clock().now(), "127.0.0." + (i % 200 + 1), 6,
                "%SYS-6-LOGGINGHOST_STARTSTOP: Logging to host 10.0.0.1 port 514 started - CLI initiated " + i));
    }

    private static void report(String what, List<AtomicLong> received, int clients, int events, long t0)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long want = (long) clients * events;
        while (received.stream().mapToLong(AtomicLong::get).sum() < want && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long got = received.stream().mapToLong(AtomicLong::get).sum();
        System.out.printf(Locale.ROOT, "live feed %s: %d of %d frames delivered to %d browsers (%.1f%%) within %.2f s%n",
                what, got, want, clients, 100.0 * got / want, (System.nanoTime() - t0) / 1e9);
    }

    private static void liveAndApi() throws Exception {
        ServiceContext context = TestServices.context();
        FakeAppliance appliance = new FakeAppliance("web:\n  port: 0\n");
        WebService web = new WebService(appliance.webConfig(), context, appliance);
        web.start();
        int port = web.health().port("tcp", "http");
        int clients = 8;
        int events = 50_000;
        List<Socket> sockets = new ArrayList<>();
        List<AtomicLong> received = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        try {
            for (int c = 0; c < clients; c++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                s.getOutputStream().write("GET /api/events HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                AtomicLong count = new AtomicLong();
                Thread t = new Thread(() -> {
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = in.readLine()) != null; ) {
                            if (line.startsWith("event: syslog")) {
                                count.incrementAndGet();
                            }
                        }
                    } catch (java.io.IOException e) {
                        // closed at the end of the run
                    }
                });
                t.setDaemon(true);
                t.start();
                sockets.add(s);
                received.add(count);
                readers.add(t);
            }
            while (web.health().detail().indexOf(clients + " live views") < 0) {
                Thread.sleep(10);
            }
            // A busy bench: 2,000 events/s for 5 s (forty phones booting and logging at once).
            int paced = 10_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < paced; i++) {
                while (System.nanoTime() - t0 < i * 500_000L) {
                    Thread.onSpinWait();
                }
                publish(context, i);
            }
            report("paced 2000/s", received, clients, paced, t0);
            received.forEach(a -> a.set(0));
            // A burst as fast as one thread can publish: the feed must stay bounded, dropping and resyncing.
            t0 = System.nanoTime();
            for (int i = 0; i < events; i++) {
                publish(context, i);
            }
            double publish = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "live feed burst: %d events published in %.2f s (%.0f/s, publisher cost %.1f us/event)%n",
                    events, publish, events / publish, publish * 1e6 / events);
            report("burst", received, clients, events, t0);

            for (int i = 0; i < 1000; i++) {
                context.events().publish(Events.finished(context.clock().now(), i, "127.0.0.9", "images/f" + i + ".bin",
                        1024, Duration.ofMillis(5), TransferOutcome.COMPLETED));
            }
            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of("/api/transfers?limit=200", "/api/syslog?limit=500", "/metrics")) {
                long[] ns = new long[500];
                for (int i = 0; i < ns.length; i++) {
                    long a = System.nanoTime();
                    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .build(), HttpResponse.BodyHandlers.ofByteArray());
                    ns[i] = System.nanoTime() - a;
                    if (r.statusCode() != 200) {
                        throw new AssertionError(path + " -> " + r.statusCode());
                    }
                }
                Arrays.sort(ns);
                System.out.printf(Locale.ROOT, "GET %-26s p50 %.2f ms  p99 %.2f ms (500 sequential requests, 8 live views open)%n",
                        path, ns[ns.length / 2] / 1e6, ns[ns.length * 99 / 100] / 1e6);
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            web.stop(Duration.ofSeconds(1));
            context.net().close();
        }
    }

}
