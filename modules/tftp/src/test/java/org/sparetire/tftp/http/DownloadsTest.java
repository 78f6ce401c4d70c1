package org.sparetire.tftp.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparetire.core.net.Cidr;
import org.sparetire.tftp.TftpConfig;
import org.sparetire.tftp.TftpConfigBuilder;
import org.sparetire.tftp.codec.Mode;
import org.sparetire.tftp.policy.AccessRules;
import org.sparetire.tftp.policy.Refusal;
import org.sparetire.tftp.policy.RequestPolicy;
import org.sparetire.tftp.policy.SharedFiles;
import org.sparetire.tftp.policy.SymlinkPolicy;
import org.sparetire.tftp.policy.Verdict;
import org.sparetire.tftp.policy.VirtualRoot;

class DownloadsTest {
    static final InetAddress CLIENT = InetAddress.getLoopbackAddress();
    @TempDir
    Path dir;
    Path root;
    final SharedFiles files = new SharedFiles();

    @BeforeEach
    void tree() throws Exception {
        root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(dir.resolve("secret.txt"), "outside");
        Files.createDirectories(root.resolve("boot"));
        Files.write(root.resolve("boot/vmlinuz"), new byte[1000]);
        Files.setLastModifiedTime(root.resolve("boot/vmlinuz"), FileTime.fromMillis(784111777_000L));
        Files.writeString(root.resolve("empty"), "");
        Files.createSymbolicLink(root.resolve("escape"), dir.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("escape-dir"), dir);
        Files.createSymbolicLink(root.resolve("inside"), root.resolve("boot/vmlinuz"));
    }

    RequestPolicy policy(SymlinkPolicy symlinks) {
        return TftpConfigBuilder.defaults(root).withNaming(symlinks, false, List.of(), List.of()).build()
                .requestPolicy(null, files);
    }

    Downloads.Answer get(String target, String range) {
        return Downloads.decide(new Downloads.Request("GET", target, range, null, null, null, CLIENT),
                policy(SymlinkPolicy.INSIDE_ROOT));
    }

    /**
     * The traversal corpus as it arrives over HTTP: whatever the escapes, the name the policy sees is the
     * one a TFTP client would have sent, and the answer is TFTP's refusal mapped to a status.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/boot/%2e%2e/%2e%2e/secret.txt",
        "/..%5csecret.txt", "/%5c..%5c..%5csecret.txt", "/boot\\..\\..\\secret.txt", "/escape",
        "/escape-dir/secret.txt", "/C:%5csecret.txt", "/c:/secret.txt", "/boot%00/vmlinuz", "/%01", "/etc/passwd",
        "//etc/passwd", "http://evil/../secret.txt", "/boot", "/", "/missing", "/%2e%2e",
    })
    void traversalIsRefusedExactlyAsTftpRefusesIt(String target) {
        String wire = RequestTarget.wireName(target).orElseThrow();
        for (SymlinkPolicy symlinks : SymlinkPolicy.values()) {
            RequestPolicy p = policy(symlinks);
            Verdict<RequestPolicy.ReadGrant> tftp = p.read(wire, Mode.OCTET, CLIENT);
            assertThat(tftp.granted()).as(target).isFalse();
            Downloads.Answer a = Downloads.decide(new Downloads.Request("GET", target, null, null, null, null, CLIENT), p);
            assertThat(a).as(target).isInstanceOf(Downloads.Refused.class);
            Downloads.Refused r = (Downloads.Refused) a;
            Refusal expected = tftp.refusal();
            assertThat(r.status()).as(target).isEqualTo(expected.code() == 1 ? 404 : 403);
            assertThat(r.reason()).isEqualTo(expected.reason());
            assertThat(r.message() + r.reason() + r.name()).doesNotContain(dir.toString());
        }
    }

    @Test
    void symlinkInsideTheRootFollowsThePolicy() {
        assertThat(Downloads.decide(new Downloads.Request("GET", "/inside", null, null, null, null, CLIENT),
                policy(SymlinkPolicy.INSIDE_ROOT))).isInstanceOf(Downloads.Send.class);
        assertThat(Downloads.decide(new Downloads.Request("GET", "/inside", null, null, null, null, CLIENT),
                policy(SymlinkPolicy.NEVER))).isInstanceOf(Downloads.Refused.class);
    }

    @Test
    void wholeFileRangesAndUnsatisfiableRanges() {
        Downloads.Send whole = (Downloads.Send) get("/boot/vmlinuz", null);
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.range()).isEqualTo(new ByteRange(0, 999));
        assertThat(whole.name()).isEqualTo("/boot/vmlinuz");
        assertThat(whole.etag()).startsWith("\"").endsWith("-3e8-" + Long.toHexString(784111777_000L) + "\"");
        assertThat(whole.lastModified()).isEqualTo(784111777_000L);
        whole.source().close();
        Downloads.Send part = (Downloads.Send) get("/boot/vmlinuz", "bytes=-10");
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.range()).isEqualTo(new ByteRange(990, 999));
        part.source().close();
        assertThat(get("/boot/vmlinuz", "bytes=1000-")).isEqualTo(new Downloads.Unsatisfiable("/boot/vmlinuz", 1000));
        Downloads.Send empty = (Downloads.Send) get("/empty", null);
        assertThat(empty.range().length()).isZero();
        empty.source().close();
        assertThat(files.openFiles()).isZero();
    }

    @Test
    void conditionalRequests() {
        Downloads.Send first = (Downloads.Send) get("/boot/vmlinuz", null);
        first.source().close();
        RequestPolicy p = policy(SymlinkPolicy.INSIDE_ROOT);
        assertThat(Downloads.decide(new Downloads.Request("GET", "/boot/vmlinuz", null, null, first.etag(), null, CLIENT), p))
                .isEqualTo(new Downloads.NotModified("/boot/vmlinuz", first.etag(), 784111777_000L));
        assertThat(Downloads.decide(new Downloads.Request("GET", "/boot/vmlinuz", null, null, null,
                "Sun, 06 Nov 1994 08:49:37 GMT", CLIENT), p)).isInstanceOf(Downloads.NotModified.class);
        Downloads.Send stale = (Downloads.Send) Downloads.decide(new Downloads.Request("GET", "/boot/vmlinuz",
                "bytes=0-9", "\"old\"", null, null, CLIENT), p);
        assertThat(stale.status()).isEqualTo(200);
        stale.source().close();
        Downloads.Send same = (Downloads.Send) Downloads.decide(new Downloads.Request("GET", "/boot/vmlinuz",
                "bytes=0-9", first.etag(), null, null, CLIENT), p);
        assertThat(same.status()).isEqualTo(206);
        same.source().close();
        assertThat(files.openFiles()).isZero();
    }

    @Test
    void onlyGetAndHeadAndOnlyForReaders() {
        Downloads.Refused post = (Downloads.Refused) Downloads.decide(
                new Downloads.Request("POST", "/boot/vmlinuz", null, null, null, null, CLIENT), policy(SymlinkPolicy.NEVER));
        assertThat(post.status()).isEqualTo(405);
        assertThat(Downloads.decide(new Downloads.Request("GET", "/%zz", null, null, null, null, CLIENT),
                policy(SymlinkPolicy.NEVER))).isInstanceOf(Downloads.Refused.class)
                .extracting(a -> ((Downloads.Refused) a).status()).isEqualTo(400);
        RequestPolicy labOnly = TftpConfigBuilder.defaults(root).withLimitsAndAccess(TftpConfig.defaults(root).limits(),
                new AccessRules(List.of(Cidr.parse("10.0.0.0/8")), List.of())).build().requestPolicy(null, files);
        Downloads.Refused outsider = (Downloads.Refused) Downloads.decide(
                new Downloads.Request("HEAD", "/boot/vmlinuz", null, null, null, null, CLIENT), labOnly);
        assertThat(outsider.status()).isEqualTo(403);
        assertThat(outsider.reason()).isEqualTo("client not allowed to read");
    }

    @Test
    void virtualRootsApplyByClientAddress() throws Exception {
        Path lab = Files.createDirectories(dir.resolve("lab"));
        Files.writeString(lab.resolve("only-in-lab"), "lab");
        RequestPolicy p = TftpConfigBuilder.defaults(root).withNaming(SymlinkPolicy.INSIDE_ROOT, false, List.of(),
                List.of(new VirtualRoot(List.of(Cidr.parse("127.0.0.0/8")), lab))).build().requestPolicy(null, files);
        Downloads.Send s = (Downloads.Send) Downloads.decide(
                new Downloads.Request("GET", "/only-in-lab", null, null, null, null, CLIENT), p);
        assertThat(s.size()).isEqualTo(3);
        s.source().close();
        assertThat(Downloads.decide(new Downloads.Request("GET", "/only-in-lab", null, null, null, null,
                InetAddress.getByName("192.0.2.1")), p)).isInstanceOf(Downloads.Refused.class);
    }
}
