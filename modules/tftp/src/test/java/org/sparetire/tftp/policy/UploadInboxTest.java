package org.sparetire.tftp.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadInboxTest {
    static final Instant NOW = Instant.parse("2026-03-04T05:06:07Z");
    @TempDir
    Path dir;

    InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    UploadInbox inbox(ExistingUpload existing) {
        return new UploadInbox(dir.resolve("backups"), existing, 1000, List.of(".cfg", ".txt"), List.of("phones"), 255);
    }

    void upload(UploadInbox inbox, String name, String client, String content) throws Exception {
        UploadInbox.FileUpload u = inbox.open(inbox.plan(name, ip(client), -1, NOW).value());
        u.write(ByteBuffer.wrap(content.getBytes()));
        u.commit();
    }

    List<Path> files() throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
        }
    }

    @Test
    void versionsPerDeviceAreKeptWithUtcTimestamps() throws Exception {
        UploadInbox inbox = inbox(ExistingUpload.KEEP_VERSIONS);
        upload(inbox, "switch.cfg", "192.0.2.7", "v1");
        upload(inbox, "switch.cfg", "192.0.2.7", "v2");
        upload(inbox, "phones/sep.cfg", "2001:db8::5", "p");
        assertThat(files()).containsExactly(
                Path.of("backups/192.0.2.7/switch.cfg.20260304T050607Z"),
                Path.of("backups/192.0.2.7/switch.cfg.20260304T050607Z-2"),
                Path.of("backups/2001-db8-0-0-0-0-0-5/phones/sep.cfg.20260304T050607Z"));
        assertThat(Files.readString(dir.resolve("backups/192.0.2.7/switch.cfg.20260304T050607Z"))).isEqualTo("v1");
    }

    @Test
    void overwriteReplacesAndRefuseKeepsTheOldFile() throws Exception {
        UploadInbox over = inbox(ExistingUpload.OVERWRITE);
        upload(over, "a.cfg", "192.0.2.1", "old");
        upload(over, "a.cfg", "192.0.2.1", "new");
        assertThat(Files.readString(dir.resolve("backups/a.cfg"))).isEqualTo("new");
        UploadInbox refuse = inbox(ExistingUpload.REFUSE);
        assertThat(refuse.plan("a.cfg", ip("192.0.2.1"), -1, NOW).refusal())
                .isEqualTo(new Refusal(6, "file already exists", "file already exists"));
        assertThat(files()).containsExactly(Path.of("backups/a.cfg"));
    }

    @Test
    void anAbortedUploadLeavesTheOldFileAndNoTempFile() throws Exception {
        UploadInbox over = inbox(ExistingUpload.OVERWRITE);
        upload(over, "a.cfg", "192.0.2.1", "precious");
        UploadInbox.FileUpload u = over.open(over.plan("a.cfg", ip("192.0.2.1"), -1, NOW).value());
        u.write(ByteBuffer.wrap("half of a new ver".getBytes()));
        assertThat(Files.exists(u.temp())).isTrue();
        u.abort();
        assertThat(Files.readString(dir.resolve("backups/a.cfg"))).isEqualTo("precious");
        assertThat(files()).containsExactly(Path.of("backups/a.cfg"));
    }

    @Test
    void namesExtensionsFoldersAndSizesAreChecked() throws Exception {
        UploadInbox inbox = inbox(ExistingUpload.KEEP_VERSIONS);
        InetAddress c = ip("192.0.2.1");
        assertThat(inbox.plan("../x.cfg", c, -1, NOW).refusal().code()).isEqualTo(2);
        assertThat(inbox.plan("x.exe", c, -1, NOW).refusal())
                .isEqualTo(Refusal.accessViolation("upload extension not allowed"));
        assertThat(inbox.plan("noext", c, -1, NOW).refusal().code()).isEqualTo(2);
        assertThat(inbox.plan("other/x.cfg", c, -1, NOW).refusal())
                .isEqualTo(Refusal.accessViolation("uploads to folder 'other' are not allowed"));
        assertThat(inbox.plan("X.CFG", c, -1, NOW).granted()).isTrue();
        assertThat(inbox.plan("x.cfg", c, 1001, NOW).refusal().code()).as("tsize over the limit").isEqualTo(3);
        assertThat(inbox.plan("x.cfg", c, 1000, NOW).granted()).isTrue();
        UploadInbox big = new UploadInbox(dir.resolve("b"), ExistingUpload.OVERWRITE, Long.MAX_VALUE, List.of(),
                List.of(), 255);
        assertThat(big.plan("x", c, Long.MAX_VALUE / 2, NOW).refusal())
                .satisfies(r -> assertThat(r.code()).isEqualTo(3))
                .satisfies(r -> assertThat(r.message()).isEqualTo("disk full or allocation exceeded"));
    }

    @Test
    void namesOutsideTheSafeSetAreRefusedWithAClearErrorTwo() throws Exception {
        UploadInbox inbox = new UploadInbox(dir.resolve("any"), ExistingUpload.OVERWRITE, 1000, List.of(),
                List.of("phones"), 255);
        InetAddress c = ip("192.0.2.1");
        for (String name : List.of("$(id)", "|id", "*", "`id`", "a b.cfg", "x;reboot", "phones/<x>", "q?",
                "-rf", ".hidden", "back\\slash", "caf\u00e9.cfg", "a'b", "a\"b", "~root")) {
            Refusal r = inbox.plan(name, c, -1, NOW).refusal();
            assertThat(r.code()).as(name).isEqualTo(2);
            assertThat(r.message()).as(name).isEqualTo("upload names may use only letters, digits, '.', '_' and '-'");
        }
        assertThat(inbox.plan("$(id)", c, -1, NOW).refusal().reason()).isEqualTo("unsafe character U+0024 in upload name");
        for (String name : List.of("SEP001122334455.cnf.xml", "switch-01_running.cfg", "phones/a.b-c_D9")) {
            assertThat(inbox.plan(name, c, -1, NOW).granted()).as(name).isTrue();
        }
        assertThat(files()).isEmpty();
    }

    @Test
    void everyNameTheLengthLimitAllowsIsStoredInEveryMode() throws Exception {
        String longest = "n".repeat(251) + ".cfg";
        for (ExistingUpload mode : ExistingUpload.values()) {
            UploadInbox inbox = new UploadInbox(dir.resolve(mode.name()), mode, 1000, List.of(".cfg"), List.of(), 255);
            upload(inbox, longest, "192.0.2.7", "config");
            upload(inbox, "m".repeat(251) + ".cfg", "192.0.2.7", "other");
            try (Stream<Path> s = Files.walk(dir.resolve(mode.name()))) {
                List<Path> stored = s.filter(Files::isRegularFile).toList();
                assertThat(stored).as(mode.name()).hasSize(2);
                for (Path p : stored) {
                    assertThat(p.getFileName().toString().length()).isLessThanOrEqualTo(255);
                    assertThat(p.getFileName().toString()).doesNotStartWith(".");
                }
                assertThat(stored.stream().map(p -> {
                    try {
                        return Files.readString(p);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })).containsExactlyInAnyOrder("config", "other");
            }
        }
        assertThat(Files.readString(dir.resolve("OVERWRITE").resolve(longest))).isEqualTo("config");
        String versioned = UploadInbox.storedName(longest, ".20260304T050607Z-1000".length());
        assertThat(versioned).startsWith("nnnn").endsWith(".cfg").hasSize(255 - 22);
        assertThat(Files.readString(dir.resolve("KEEP_VERSIONS/192.0.2.7/" + versioned + ".20260304T050607Z")))
                .isEqualTo("config");
        UploadInbox generous = new UploadInbox(dir.resolve("g"), ExistingUpload.OVERWRITE, 1000, List.of(), List.of(),
                1000);
        upload(generous, "x".repeat(900), "192.0.2.7", "long");
        try (Stream<Path> s = Files.list(dir.resolve("g"))) {
            assertThat(s.map(p -> p.getFileName().toString().length()).toList()).containsExactly(255);
        }
    }

    @Test
    void anInboxFolderSwappedForASymlinkOutOfTheInboxIsNeverWrittenThrough() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createDirectories(dir.resolve("backups"));
        Files.createSymbolicLink(dir.resolve("backups/192.0.2.7"), elsewhere);
        Files.createSymbolicLink(dir.resolve("backups/phones"), elsewhere);
        for (ExistingUpload mode : ExistingUpload.values()) {
            UploadInbox inbox = inbox(mode);
            String name = mode == ExistingUpload.KEEP_VERSIONS ? "x.cfg" : "phones/x.cfg";
            UploadInbox.Upload plan = inbox.plan(name, ip("192.0.2.7"), -1, NOW).value();
            assertThatThrownBy(() -> inbox.open(plan)).as(mode.name()).isInstanceOf(java.io.IOException.class);
        }
        try (Stream<Path> s = Files.list(elsewhere)) {
            assertThat(s.toList()).isEmpty();
        }
    }
}
