package org.sparetire.tftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.event.TransferStarted;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.testkit.EventRecorder;
import org.sparetire.testkit.PeerProgram;
import org.sparetire.testkit.TestServices;
import org.sparetire.tftp.HttpBootConfig;
import org.sparetire.tftp.HttpBootService;
import org.sparetire.tftp.TftpConfig;

/**
 * curl against the HTTP boot service on loopback: whole files, ranges, HEAD, validators, the traversal
 * corpus, and a 1 GiB file compared byte for byte (by SHA-256 of the stream). Runs on whichever transport
 * the build selects (scripts/test runs it on epoll and on NIO), so both zero-copy paths are exercised.
 */
class HttpBootIT {
    static final Duration LIMIT = Duration.ofSeconds(60);
    @TempDir
    static Path dir;
    static Path root;
    static ServiceContext context;
    static HttpBootService service;
    static EventRecorder events;
    static byte[] image;

    @BeforeAll
    static void start() throws Exception {
        PeerProgram.require("curl", "curl");
        root = Files.createDirectories(dir.resolve("root"));
        image = new byte[3 * 1024 * 1024 + 1234];
        new Random(27).nextBytes(image);
        Files.write(root.resolve("image.bin"), image);
        Files.createDirectories(root.resolve("boot"));
        Files.writeString(root.resolve("boot/boot.ipxe"), "#!ipxe\nchain vmlinuz\n");
        Files.writeString(root.resolve("empty"), "");
        Files.writeString(dir.resolve("secret.txt"), "outside the root");
        Files.createSymbolicLink(root.resolve("escape"), dir.resolve("secret.txt"));
        context = TestServices.context();
        events = new EventRecorder(context.events());
        HttpBootConfig http = HttpBootConfig.defaults().withEnabled(true).withBind(InetAddress.getByName("127.0.0.1"), 0);
        service = new HttpBootService(new HttpBootService.Settings(http, TftpConfig.defaults(root)), context);
        service.start();
    }

    @AfterAll
    static void stop() {
        service.stop(Duration.ofSeconds(1));
        events.close();
        context.net().close();
    }

    static String url(String path) {
        return "http://127.0.0.1:" + service.health().port("tcp", "http-boot") + path;
    }

    static PeerProgram.Result curl(String... args) throws Exception {
        String[] cmd = new String[args.length + 2];
        cmd[0] = "curl";
        cmd[1] = "-sS";
        System.arraycopy(args, 0, cmd, 2, args.length);
        return PeerProgram.run(LIMIT, cmd);
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void wholeFileWithItsEventsAndLogFields() throws Exception {
        Path out = dir.resolve("whole.bin");
        PeerProgram.Result r = curl("-o", out.toString(), "-w", "%{http_code} %{size_download}", url("/image.bin"));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).isEqualTo("200 " + image.length);
        assertThat(sha256(Files.readAllBytes(out))).isEqualTo(sha256(image));
        TransferFinished done = events.await(TransferFinished.class, e -> e.file().equals("/image.bin"), LIMIT);
        assertThat(done.service()).isEqualTo("http-boot");
        assertThat(done.outcome()).isEqualTo(TransferOutcome.COMPLETED);
        assertThat(done.bytes()).isEqualTo(image.length);
        assertThat(done.mode()).isEqualTo("http");
        assertThat(done.options()).containsEntry("status", "200");
        TransferStarted started = events.await(TransferStarted.class, e -> e.transferId() == done.transferId(), LIMIT);
        assertThat(started.expectedBytes()).isEqualTo(image.length);
        assertThat(started.peer().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0-99", "100-", "-1234", "3145000-3146000", "0-0"})
    void singleRanges(String range) throws Exception {
        PeerProgram.Result r = curl("-D", "-", "-o", dir.resolve("part").toString(), "-r", range, url("/image.bin"));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        long size = image.length;
        long first;
        long last;
        if (range.startsWith("-")) {
            first = size - Long.parseLong(range.substring(1));
            last = size - 1;
        } else {
            String[] p = range.split("-", -1);
            first = Long.parseLong(p[0]);
            last = p[1].isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(p[1]));
        }
        assertThat(r.stdout()).startsWith("HTTP/1.1 206 Partial Content")
                .containsIgnoringCase("content-range: bytes " + first + "-" + last + "/" + size)
                .containsIgnoringCase("content-length: " + (last - first + 1));
        assertThat(Files.readAllBytes(dir.resolve("part")))
                .isEqualTo(Arrays.copyOfRange(image, (int) first, (int) last + 1));
    }

    @Test
    void unsatisfiableRangeIs416AndSeveralRangesGetTheWholeFile() throws Exception {
        PeerProgram.Result r = curl("-D", "-", "-o", "/dev/null", "-r", image.length + "-", url("/image.bin"));
        assertThat(r.stdout()).startsWith("HTTP/1.1 416").containsIgnoringCase("content-range: bytes */" + image.length);
        r = curl("-D", "-", "-o", "/dev/null", "-r", "0-", url("/empty"));
        assertThat(r.stdout()).startsWith("HTTP/1.1 416").containsIgnoringCase("content-range: bytes */0");
        r = curl("-o", dir.resolve("multi").toString(), "-w", "%{http_code}", "-r", "0-1,5-9", url("/image.bin"));
        assertThat(r.stdout()).isEqualTo("200");
        assertThat(Files.readAllBytes(dir.resolve("multi"))).isEqualTo(image);
    }

    @Test
    void headHasTheHeadersOfGetAndNoBodyAndNoTransferEvent() throws Exception {
        int before = events.all(TransferStarted.class).size();
        PeerProgram.Result r = curl("-I", url("/boot/boot.ipxe"));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("content-length: 21")
                .containsIgnoringCase("accept-ranges: bytes").containsIgnoringCase("etag: \"")
                .containsIgnoringCase("last-modified: ").containsIgnoringCase("content-type: application/octet-stream")
                .containsPattern("(?i)date: \\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
        r = curl("-I", url("/missing"));
        assertThat(r.stdout()).startsWith("HTTP/1.1 404");
        assertThat(events.all(TransferStarted.class)).hasSize(before);
    }

    @Test
    void validatorsAnswer304() throws Exception {
        String headers = curl("-I", url("/boot/boot.ipxe")).stdout();
        String etag = headers.lines().filter(l -> l.toLowerCase().startsWith("etag:")).findFirst().orElseThrow()
                .substring(5).trim();
        PeerProgram.Result r = curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: " + etag,
                url("/boot/boot.ipxe"));
        assertThat(r.stdout()).isEqualTo("304");
        // curl -z FILE sends If-Modified-Since with the file's time; the boot file is older than that.
        Path later = Files.writeString(dir.resolve("later"), "x");
        r = curl("-o", "/dev/null", "-w", "%{http_code}", "-z", later.toString(), url("/boot/boot.ipxe"));
        assertThat(r.stdout()).isEqualTo("304");
        r = curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: \"other\"", url("/boot/boot.ipxe"));
        assertThat(r.stdout()).isEqualTo("200");
    }

    /** Raw paths (curl --path-as-is sends them unmerged): TFTP's refusals, as statuses; never a byte of the secret. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "/../secret.txt, 403", "/%2e%2e/secret.txt, 403", "/%2E%2E%2Fsecret.txt, 403", "/..%5csecret.txt, 403",
        "/boot/..\\..\\secret.txt, 403", "/escape, 403", "/C:%5Csecret.txt, 404", "/boot%00, 403",
        "//etc/passwd, 404", "/missing, 404", "/boot, 403", "/%zz, 400",
    })
    void traversalCorpus(String path, int status) throws Exception {
        PeerProgram.Result r = curl("--path-as-is", "-g", "-o", dir.resolve("trav").toString(), "-w", "%{http_code}",
                url(path));
        assertThat(r.stdout()).as(path).isEqualTo(Integer.toString(status));
        assertThat(Files.readString(dir.resolve("trav"))).doesNotContain("outside the root");
        TransferFinished refused = events.await(TransferFinished.class,
                e -> e.outcome() == TransferOutcome.REFUSED && e.options().get("status").equals(Integer.toString(status))
                        && !e.detail().isEmpty(), LIMIT);
        assertThat(refused.detail()).doesNotContain(dir.toString());
    }

    @Test
    void otherMethodsAre405() throws Exception {
        PeerProgram.Result r = curl("-X", "POST", "-D", "-", "-o", "/dev/null", "-d", "x", url("/image.bin"));
        assertThat(r.stdout()).startsWith("HTTP/1.1 405").containsIgnoringCase("allow: GET, HEAD");
    }

    @Test
    void keepAliveServesSeveralFilesOnOneConnection() throws Exception {
        PeerProgram.Result r = curl("-v", "-o", dir.resolve("a").toString(), url("/boot/boot.ipxe"), "-o",
                dir.resolve("b").toString(), url("/image.bin"));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stderr()).contains("Re-using existing connection");
        assertThat(Files.readAllBytes(dir.resolve("b"))).isEqualTo(image);
    }

    /**
     * 1 GiB, made in a second from one random MiB with each MiB numbered (an offset error cannot hide
     * behind repetition), streamed from curl's stdout through SHA-256.
     */
    @Test
    void oneGibibyteArrivesByteIdentical() throws Exception {
        Path big = dir.resolve("root/big.img");
        byte[] block = new byte[1 << 20];
        new Random(1).nextBytes(block);
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        try (var ch = Files.newByteChannel(big, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            for (int i = 0; i < 1024; i++) {
                block[0] = (byte) i;
                block[1] = (byte) (i >> 8);
                expected.update(block);
                ch.write(java.nio.ByteBuffer.wrap(block));
            }
        }
        try {
            Process p = new ProcessBuilder("curl", "-sS", "--fail", url("/big.img")).redirectError(
                    ProcessBuilder.Redirect.DISCARD).start();
            MessageDigest got = MessageDigest.getInstance("SHA-256");
            long n = 0;
            try (InputStream in = p.getInputStream()) {
                byte[] buf = new byte[1 << 20];
                for (int k; (k = in.read(buf)) > 0; ) {
                    got.update(buf, 0, k);
                    n += k;
                }
            }
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(n).isEqualTo(1L << 30);
            assertThat(got.digest()).isEqualTo(expected.digest());
            TransferFinished done = events.await(TransferFinished.class, e -> e.file().equals("/big.img"), LIMIT);
            assertThat(done.bytes()).isEqualTo(1L << 30);
            assertThat(done.outcome()).isEqualTo(TransferOutcome.COMPLETED);
            assertThat(done.options()).containsEntry("sendfile", "yes");
        } finally {
            Files.delete(big);
        }
    }

    /** 0.0.0.0 means every IPv4 interface, as the config says: an IPv4 socket, not a dual-stack one. */
    @Test
    void anyIpv4AddressListensOnIpv4Only() throws Exception {
        HttpBootConfig http = HttpBootConfig.defaults().withEnabled(true).withBind(InetAddress.getByName("0.0.0.0"), 0);
        HttpBootService any = new HttpBootService(new HttpBootService.Settings(http, TftpConfig.defaults(root)), context);
        any.start();
        try {
            java.net.InetSocketAddress bound = any.health().endpoints().get(0).address();
            assertThat(bound.getAddress()).isEqualTo(InetAddress.getByName("0.0.0.0"));
            PeerProgram.Result v4 = curl("-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:" + bound.getPort()
                    + "/boot/boot.ipxe");
            assertThat(v4.stdout()).isEqualTo("200");
            PeerProgram.Result v6 = curl("-o", "/dev/null", "-w", "%{http_code}", "-g", "http://[::1]:" + bound.getPort()
                    + "/boot/boot.ipxe");
            assertThat(v6.stdout()).isEqualTo("000");
        } finally {
            any.stop(Duration.ZERO);
        }
    }

    /** A reload that changes the tftp section serves the new root at once; one that moves the port rebinds. */
    @Test
    void reconfigureFollowsTheTftpSectionAndMovesThePort() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other-root"));
        Files.writeString(other.resolve("only-here.txt"), "new root\n");
        HttpBootConfig http = HttpBootConfig.defaults().withEnabled(true).withBind(InetAddress.getByName("127.0.0.1"), 0);
        HttpBootService s = new HttpBootService(new HttpBootService.Settings(http, TftpConfig.defaults(root)), context);
        s.start();
        try {
            int port = s.health().port("tcp", "http-boot");
            String base = "http://127.0.0.1:" + port;
            assertThat(curl("-o", "/dev/null", "-w", "%{http_code}", base + "/only-here.txt").stdout()).isEqualTo("404");
            s.reconfigure(new HttpBootService.Settings(http, TftpConfig.defaults(other)));
            assertThat(curl(base + "/only-here.txt").stdout()).isEqualTo("new root\n");
            s.reconfigure(new HttpBootService.Settings(http.withBind(InetAddress.getByName("127.0.0.2"), 0),
                    TftpConfig.defaults(other)));
            java.net.InetSocketAddress moved = s.health().endpoints().get(0).address();
            assertThat(moved.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.2"));
            assertThat(curl("http://127.0.0.2:" + moved.getPort() + "/only-here.txt").stdout()).isEqualTo("new root\n");
            assertThat(curl("-o", "/dev/null", "-w", "%{http_code}", base + "/only-here.txt").stdout()).isEqualTo("000");
        } finally {
            s.stop(Duration.ZERO);
        }
    }

    /**
     * Over its per-client limit a client gets 503 with Retry-After; a client that hangs up mid-download
     * ends it as peer-aborted, with the bytes it got, and frees its slot.
     */
    @Test
    void perClientLimitAndAClientThatHangsUp() throws Exception {
        // Larger than the loopback socket buffers of both ends, so the server is still sending while curl dawdles.
        long size = 64L << 20;
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(root.resolve("sparse.img").toFile(), "rw")) {
            f.setLength(size);
        }
        HttpBootConfig http = new HttpBootConfig(true, InetAddress.getByName("127.0.0.1"), 0, 4, 1, Duration.ofSeconds(30));
        HttpBootService s = new HttpBootService(new HttpBootService.Settings(http, TftpConfig.defaults(root)), context);
        s.start();
        try {
            String base = "http://127.0.0.1:" + s.health().port("tcp", "http-boot");
            TransferFinished aborted;
            try (PeerProgram.Background slow = PeerProgram.start(dir.resolve("slow.log"), "curl", "-sS", "-o", "/dev/null",
                    "--limit-rate", "64k", base + "/sparse.img")) {
                long deadline = System.nanoTime() + LIMIT.toNanos();
                while (s.activeDownloads() == 0 && System.nanoTime() - deadline < 0) {
                    Thread.sleep(20);
                }
                assertThat(s.activeDownloads()).isEqualTo(1);
                PeerProgram.Result busy = curl("-D", "-", "-o", "/dev/null", base + "/boot/boot.ipxe");
                assertThat(busy.stdout()).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: 5");
            }
            aborted = events.await(TransferFinished.class, e -> e.outcome() == TransferOutcome.PEER_ABORTED
                    && e.file().equals("/sparse.img"), LIMIT);
            assertThat(aborted.bytes()).isLessThan(size);
            assertThat(aborted.detail()).startsWith("connection closed after ").contains("of " + size + " bytes")
                    .doesNotContain("failed with error");
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (s.activeDownloads() > 0 && System.nanoTime() - deadline < 0) {
                Thread.sleep(20);
            }
            assertThat(curl("-o", "/dev/null", "-w", "%{http_code}", base + "/boot/boot.ipxe").stdout()).isEqualTo("200");
        } finally {
            s.stop(Duration.ZERO);
        }
    }

    @Test
    void healthNamesTheEndpoint() {
        assertThat(service.health().endpoints()).hasSize(1);
        assertThat(List.of(service.health().detail())).allMatch(d -> d.contains("files open"));
    }
}
