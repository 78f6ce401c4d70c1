package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.app.load.DhcpLoadClient;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.testkit.NetNamespace;
import org.sparetire.tftp.client.TftpClient;

/**
 * The dashboard must not stall DHCP: new clients get leases at a steady rate inside a network namespace
 * while 8 HTTP clients read /metrics, /api/overview and /api/leases and hold a live stream open, for
 * 20 s; then the same with a TFTP download and a syslog flood running too. Every exchange must be
 * answered (DISCOVER to OFFER p99 under a generous 100 ms), every HTTP answer must come within 200 ms,
 * and every pool figure and lease list must be exactly right for its moment: no fewer than the clients
 * ACKed before the request left, no more than the DISCOVERs sent before the answer came. BlockHound
 * watches every event loop meanwhile. Latency figures are measured in scripts/bench/web/dhcp-latency.sh.
 */
class DashboardUnderLoadIT {
    private static final Duration RUN = Duration.ofSeconds(20);
    private static final int CLIENTS_PER_SECOND = 20;
    private static final int HTTP_CLIENTS = 8;
    /**
     * Clients that warm the JVMs up (class loading, the JIT) before the measured run: their exchanges and
     * the answers given meanwhile are checked for correctness, not timed.
     */
    private static final int WARMUP_CLIENTS = 40;
    /** Between two requests of one HTTP client: a busy dashboard, not a denial of service. */
    private static final long THINK_MILLIS = 25;
    private static final long HTTP_BOUND_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long OFFER_P99_BOUND_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final String POOL = "10.121.0.10-10.121.7.250";
    private static final Pattern LEASE = Pattern.compile("\\{\"mac\":\"([0-9a-f:]+)\".*?\"state\":\"([a-z]+)\"");
    private static final Pattern USED = Pattern.compile("\"name\":\"" + Pattern.quote(POOL) + "\",\"size\":(\\d+),\"used\":(\\d+)");
    private static final Pattern METRIC_RATIO = Pattern.compile(
            "sparetire_dhcp_pool_utilisation_ratio\\{pool=\"" + Pattern.quote(POOL) + "\"} ([0-9.Ee-]+)");
    private static final Pattern METRIC_BOUND = Pattern.compile("sparetire_dhcp_leases\\{state=\"bound\"} ([0-9.]+)");

    @TempDir
    Path dir;

    @Test
    void dashboardLoadLeavesDhcpOnTime() throws Exception {
        run(1, false);
    }

    @Test
    void dashboardLoadWithTftpAndSyslogFloodLeavesDhcpOnTime() throws Exception {
        run(2, true);
    }

    /** What one live stream delivered: the clients it saw bound, and whether it was told to resync. */
    private static final class Stream {
        final BitSet bound = new BitSet();
        boolean resynced;
    }

    /** What one HTTP answer said, reduced to what the checks need. */
    private record Answer(String path, long sent, long received, int status, int used, BitSet listed, BitSet bound) {
    }

    private void run(int phase, boolean mixed) throws Exception {
        int measured = (int) (CLIENTS_PER_SECOND * RUN.toSeconds());
        int clients = WARMUP_CLIENTS + measured;
        String macPrefix = "02:21:00:0" + phase;
        Path tftpRoot = Files.createDirectories(dir.resolve("tftpboot"));
        byte[] image = new byte[8 << 20];
        new Random(phase).nextBytes(image);
        Files.write(tftpRoot.resolve("image.bin"), image);
        try (NetNamespace ns = NetNamespace.create("load" + phase)) {
            ns.linkToHost("10.121.0.1/21", "10.121.0.2/21");
            // The clients broadcast to 255.255.255.255: a route for that address alone sends it out the veth
            // (no default route, so nothing else ever leaves the namespace).
            ns.exec(Duration.ofSeconds(10), "ip", "route", "add", "255.255.255.255/32", "dev", ns.innerInterface())
                    .assertSuccess();
            AppConfig config = Appliance.configLoader().loadText("""
                    web: {port: 0}
                    tftp: {enabled: %s, bind: 127.0.0.1, port: 0, root: tftpboot}
                    syslog: {enabled: %s, bind: 127.0.0.1, udp: {port: 0}, directory: logs}
                    dhcp:
                      enabled: true
                      interfaces: [%s]
                      port: 0
                      client-port: 1068
                      rogue-check: {action: off}
                      lease-file: leases
                      subnets:
                        - network: 10.121.0.0/21
                          ranges: [{from: 10.121.0.10, to: 10.121.7.250}]
                          lease-time: 1h
                    """.formatted(mixed, mixed, ns.hostInterface()), "load.yaml", dir, ConfigOverrides.none());
            try (RunningAppliance appliance = EpollAppliance.start(config)) {
                int dhcpPort = appliance.health().get("dhcp").port("udp", "dhcp");
                int webPort = appliance.health().get("web").port("tcp", "http");
                warmUp(webPort);
                Path timings = dir.resolve("dhcp-" + phase + ".txt");
                String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
                AtomicBoolean running = new AtomicBoolean(true);
                List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
                List<String> failures = Collections.synchronizedList(new ArrayList<>());
                List<Stream> streamed = new ArrayList<>();
                List<Thread> threads = new ArrayList<>();
                long deadline = System.nanoTime() + RUN.plusSeconds(60).toNanos();
                for (int i = 0; i < HTTP_CLIENTS; i++) {
                    Stream seen = new Stream();
                    streamed.add(seen);
                    threads.add(start("http-" + i, () -> dashboardClient(webPort, macPrefix, running, deadline, answers,
                            failures, seen)));
                }
                AtomicInteger transfers = new AtomicInteger();
                AtomicInteger syslogSent = new AtomicInteger();
                if (mixed) {
                    int tftpPort = appliance.health().get("tftp").port("udp", "tftp");
                    int syslogPort = appliance.health().get("syslog").port("udp", "syslog");
                    threads.add(start("tftp", () -> tftpLoop(tftpPort, image.length, running, deadline, transfers, failures)));
                    threads.add(start("syslog", () -> syslogFlood(syslogPort, running, deadline, syslogSent, failures)));
                    // The floods' own start (class loading, the JIT on two cores) is not the subject either:
                    // the clients come once both run steadily.
                    long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while ((transfers.get() < 2 || syslogSent.get() < 10_000) && System.nanoTime() < warm) {
                        Thread.sleep(50);
                    }
                }
                Process dhcp = new ProcessBuilder("ip", "netns", "exec", ns.name(), java, "-Xmx128m",
                        "-cp", classpath(), DhcpLoadClient.class.getName(), timings.toString(),
                        Integer.toString(clients), Integer.toString(CLIENTS_PER_SECOND), macPrefix,
                        Integer.toString(dhcpPort), "1068", Integer.toString(WARMUP_CLIENTS))
                        .redirectErrorStream(true).redirectOutput(dir.resolve("client.log").toFile()).start();
                boolean exited = dhcp.waitFor(RUN.plusSeconds(40).toSeconds(), TimeUnit.SECONDS);
                if (!exited) {
                    dhcp.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
                // The live feed sends every 100 ms: the streams take the last ACKs before they close.
                long caughtUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!streamsHaveAll(streamed, clients) && System.nanoTime() < caughtUp) {
                    Thread.sleep(20);
                }
                running.set(false);
                for (Thread t : threads) {
                    t.join(10_000);
                }
                assertThat(exited).as("DHCP load client finished: " + Files.readString(dir.resolve("client.log"))).isTrue();
                assertThat(failures).isEmpty();
                long measuring = Long.parseLong(Files.readString(Path.of(timings + ".measuring")).trim());
                check(Files.readAllLines(timings), clients, macPrefix, answers, streamed, measuring);
                if (mixed) {
                    assertThat(transfers.get()).as("TFTP downloads during the run").isPositive();
                    assertThat(syslogSent.get()).as("syslog messages sent during the run").isPositive();
                }
            }
        }
    }

    /** The dashboard was open before: its first page views (class loading, a cold JIT) are not the subject. */
    private static void warmUp(int port) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 30; i++) {
            for (String path : new String[] {"/metrics", "/api/overview", "/api/leases"}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path).isEqualTo(200);
            }
        }
    }

    private static boolean streamsHaveAll(List<Stream> streams, int clients) {
        for (Stream s : streams) {
            synchronized (s) {
                if (!s.resynced && s.bound.cardinality() < clients) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String classpath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /** One browser-like client: a live stream held open, and the three pages read in turn. */
    private static void dashboardClient(int port, String macPrefix, AtomicBoolean running, long deadline,
                                        List<Answer> answers, List<String> failures, Stream streamed) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String base = "http://127.0.0.1:" + port;
        InputStream stream = null;
        try {
            long sent = System.nanoTime();
            HttpResponse<InputStream> events = http.send(HttpRequest.newBuilder(URI.create(base + "/api/events"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofInputStream());
            long received = System.nanoTime();
            answers.add(new Answer("/api/events", sent, received, events.statusCode(), -1, null, null));
            stream = events.body();
            InputStream body = stream;
            Thread reader = start("sse-reader", () -> readStream(body, macPrefix, streamed));
            String[] paths = {"/metrics", "/api/overview", "/api/leases", "/api/events"};
            for (int i = 0; running.get() && System.nanoTime() < deadline; i++) {
                String path = paths[i % paths.length];
                long t0 = System.nanoTime();
                if (path.equals("/api/events")) {
                    // A page opening its live stream: the answer is the stream's start.
                    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
                    answers.add(new Answer(path, t0, System.nanoTime(), r.statusCode(), -1, null, null));
                    r.body().close();
                    Thread.sleep(THINK_MILLIS);
                    continue;
                }
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                long t1 = System.nanoTime();
                answers.add(reduce(path, t0, t1, r.statusCode(), r.body(), macPrefix));
                Thread.sleep(THINK_MILLIS);
            }
            stream.close();
            reader.join(5000);
        } catch (IOException | InterruptedException | RuntimeException e) {
            failures.add("HTTP client: " + e);
        } finally {
            if (stream != null) {
                try {
                    stream.close();
                } catch (IOException ignored) {
                    // closing a stream the server may have closed first
                }
            }
        }
    }

    private static void readStream(InputStream body, String macPrefix, Stream streamed) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            boolean lease = false;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("event: ")) {
                    lease = line.equals("event: lease");
                    if (line.equals("event: resync")) {
                        synchronized (streamed) {
                            streamed.resynced = true;
                        }
                    }
                } else if (lease && line.startsWith("data: ")) {
                    Matcher m = LEASE.matcher(line);
                    if (m.find() && m.group(2).equals("bound")) {
                        int index = index(m.group(1), macPrefix);
                        if (index >= 0) {
                            synchronized (streamed) {
                                streamed.bound.set(index);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            // closed at the end of the run
        }
    }

    private static Answer reduce(String path, long sent, long received, int status, String body, String macPrefix) {
        int used = -1;
        BitSet listed = new BitSet();
        BitSet bound = new BitSet();
        if (path.equals("/metrics")) {
            Matcher ratio = METRIC_RATIO.matcher(body);
            if (ratio.find()) {
                int size = addresses(POOL);
                used = (int) Math.round(Double.parseDouble(ratio.group(1)) * size);
            }
            Matcher b = METRIC_BOUND.matcher(body);
            if (b.find()) {
                bound.set(0, (int) Double.parseDouble(b.group(1))); // a count only: the first n bits
            }
            return new Answer(path, sent, received, status, used, null, bound);
        }
        Matcher u = USED.matcher(body);
        if (u.find()) {
            used = Integer.parseInt(u.group(2));
        }
        if (path.equals("/api/leases")) {
            Matcher m = LEASE.matcher(body);
            while (m.find()) {
                int index = index(m.group(1), macPrefix);
                listed.set(index < 0 ? 1 << 20 : index); // a MAC no client of this run used shows past the end
                if (m.group(2).equals("bound")) {
                    bound.set(index < 0 ? 1 << 20 : index);
                }
            }
            return new Answer(path, sent, received, status, used, listed, bound);
        }
        return new Answer(path, sent, received, status, used, null, null);
    }

    private static int index(String mac, String macPrefix) {
        if (!mac.startsWith(macPrefix + ":")) {
            return -1;
        }
        String[] tail = mac.substring(macPrefix.length() + 1).split(":");
        return Integer.parseInt(tail[0], 16) << 8 | Integer.parseInt(tail[1], 16);
    }

    private static int addresses(String range) {
        String[] ends = range.split("-");
        return (int) (org.sparetire.core.net.Addresses.ipv4ToLong(org.sparetire.core.net.Addresses.parseNumeric(ends[1]))
                - org.sparetire.core.net.Addresses.ipv4ToLong(org.sparetire.core.net.Addresses.parseNumeric(ends[0])) + 1);
    }

    /**
     * Every client's exchange and every answer, against the client's own clock (CLOCK_MONOTONIC, shared):
     * all problems are collected, so one run shows everything that went wrong.
     */
    private static void check(List<String> lines, int clients, String macPrefix, List<Answer> answers, List<Stream> streams,
                              long measuring) {
        assertThat(lines).hasSize(clients);
        SoftAssertions soft = new SoftAssertions();
        long[] discover = new long[clients];
        long[] ack = new long[clients];
        long[] offerLatency = new long[clients];
        for (String line : lines) {
            String[] f = line.split(" ");
            int i = index(f[0], macPrefix);
            discover[i] = Long.parseLong(f[1]);
            long offer = Long.parseLong(f[2]);
            ack[i] = Long.parseLong(f[3]);
            soft.assertThat(offer).as("OFFER for %s", f[0]).isPositive();
            soft.assertThat(ack[i]).as("ACK for %s", f[0]).isPositive();
            offerLatency[i] = offer > 0 ? offer - discover[i] : Long.MAX_VALUE;
            if (ack[i] == 0) {
                ack[i] = Long.MAX_VALUE;
            }
        }
        long[] sorted = java.util.Arrays.copyOfRange(offerLatency, WARMUP_CLIENTS, clients);
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        long p99 = sorted[(int) Math.ceil(0.99 * n) - 1];
        soft.assertThat(p99).as("DISCOVER to OFFER p99 (ns); p50 %d ns, max %d ns; slowest: %s", sorted[n / 2],
                sorted[n - 1], slowest(offerLatency, discover)).isLessThan(OFFER_P99_BOUND_NANOS);

        List<Answer> all;
        synchronized (answers) {
            all = new ArrayList<>(answers);
        }
        soft.assertThat(all).as("HTTP answers").hasSizeGreaterThan(HTTP_CLIENTS * 3);
        List<String> slow = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (Answer a : all) {
            String what = a.path() + " sent at " + a.sent();
            if (a.status() != 200) {
                wrong.add(what + ": status " + a.status());
                continue;
            }
            if (a.sent() >= measuring && a.received() - a.sent() >= HTTP_BOUND_NANOS) {
                slow.add(what + ": " + (a.received() - a.sent()) / 1_000_000 + " ms");
            }
            if (a.path().equals("/api/events")) {
                continue;
            }
            BitSet ackedBefore = new BitSet();
            BitSet discoveredBefore = new BitSet();
            for (int i = 0; i < clients; i++) {
                if (ack[i] < a.sent()) {
                    ackedBefore.set(i);
                }
                if (discover[i] < a.received()) {
                    discoveredBefore.set(i);
                }
            }
            int low = ackedBefore.cardinality();
            int high = discoveredBefore.cardinality();
            if (a.used() < low || a.used() > high) {
                wrong.add(what + ": pool use " + a.used() + ", expected " + low + ".." + high);
            }
            if (a.path().equals("/metrics") && (a.bound().cardinality() < low || a.bound().cardinality() > high)) {
                wrong.add(what + ": bound leases " + a.bound().cardinality() + ", expected " + low + ".." + high);
            }
            if (a.listed() != null) {
                BitSet missing = (BitSet) ackedBefore.clone();
                missing.andNot(a.bound());
                BitSet extra = (BitSet) a.listed().clone();
                extra.andNot(discoveredBefore);
                if (!missing.isEmpty() || !extra.isEmpty()) {
                    wrong.add(what + ": ACKed before but not listed as bound " + missing + ", listed before asked " + extra);
                }
            }
        }
        soft.assertThat(slow.size()).as("answers over 200 ms, of %d; the first: %s", all.size(), head(slow)).isZero();
        soft.assertThat(wrong.size()).as("wrong answers, of %d; the first: %s", all.size(), head(wrong)).isZero();
        BitSet everyone = new BitSet();
        everyone.set(0, clients);
        for (Stream stream : streams) {
            synchronized (stream) {
                if (!stream.resynced) {
                    soft.assertThat(stream.bound).as("bound leases seen on a live stream").isEqualTo(everyone);
                }
            }
        }
        soft.assertAll();
    }

    /** The five slowest exchanges: client, when its DISCOVER left (ms after the first), DISCOVER to OFFER (ms). */
    private static List<String> slowest(long[] latency, long[] discover) {
        long first = java.util.Arrays.stream(discover).min().orElse(0);
        return java.util.stream.IntStream.range(WARMUP_CLIENTS, latency.length).boxed()
                .sorted((a, b) -> Long.compare(latency[b], latency[a])).limit(5)
                .map(i -> "#" + i + " at " + (discover[i] - first) / 1_000_000 + " ms: "
                        + (latency[i] == Long.MAX_VALUE ? "no OFFER" : latency[i] / 1_000_000 + " ms"))
                .toList();
    }

    private static List<String> head(List<String> list) {
        return list.subList(0, Math.min(10, list.size()));
    }

    private static void tftpLoop(int port, int size, AtomicBoolean running, long deadline, AtomicInteger transfers,
                                 List<String> failures) {
        TftpClient client = new TftpClient();
        try {
            Path out = Files.createTempFile("sparetire-load", ".bin");
            try {
                for (int i = 0; i < 200 && running.get() && System.nanoTime() < deadline; i++) {
                    TftpClient.Result r = client.get(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                            "image.bin", out, TftpClient.Options.defaults().withBlksize(1468).withWindowsize(8));
                    if (r.bytes() != size) {
                        failures.add("TFTP download " + i + " got " + r.bytes() + " bytes of " + size);
                        return;
                    }
                    transfers.incrementAndGet();
                }
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException | RuntimeException e) {
            failures.add("TFTP: " + e);
        }
    }

    /** 2,000 messages a second, 100 every 50 ms, until the run ends; 150,000 at most. */
    private static void syslogFlood(int port, AtomicBoolean running, long deadline, AtomicInteger sent,
                                    List<String> failures) {
        try (DatagramSocket socket = new DatagramSocket()) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            long next = System.nanoTime();
            while (running.get() && System.nanoTime() < deadline && sent.get() < 150_000) {
                for (int i = 0; i < 100; i++) {
                    byte[] line = ("<13>Dec  7 12:00:00 sw1 load: message " + sent.get())
                            .getBytes(StandardCharsets.US_ASCII);
                    socket.send(new DatagramPacket(line, line.length, to));
                    sent.incrementAndGet();
                }
                next += TimeUnit.MILLISECONDS.toNanos(50);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        } catch (IOException | InterruptedException e) {
            failures.add("syslog flood: " + e);
        }
    }
}
