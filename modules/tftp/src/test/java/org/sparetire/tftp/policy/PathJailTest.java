package org.sparetire.tftp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathJailTest {
    @TempDir
    Path dir;
    Path root;

    @BeforeEach
    void tree() throws Exception {
        root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(dir.resolve("secret.txt"), "outside");
        Files.createDirectories(root.resolve("boot/grub"));
        Files.writeString(root.resolve("boot/grub/grub.cfg"), "menu");
        Files.writeString(root.resolve("pxelinux.0"), "pxe");
        Files.createSymbolicLink(root.resolve("escape"), dir.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("escape-dir"), dir);
        Files.createSymbolicLink(root.resolve("latest.cfg"), root.resolve("boot/grub/grub.cfg"));
        Files.createSymbolicLink(root.resolve("dangling"), root.resolve("nope"));
    }

    /** Opens and closes at once: these tests ask only what was opened. */
    static Verdict<BeneathRoot.OpenFile> open(PathJail jail, String name) {
        Verdict<BeneathRoot.OpenFile> v = jail.openForRead(name);
        if (v.granted()) {
            v.value().close();
        }
        return v;
    }

    PathJail jail(SymlinkPolicy policy, boolean caseInsensitive) {
        return new PathJail(root, policy, caseInsensitive, 255);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pxelinux.0", "/pxelinux.0", "//pxelinux.0", "./pxelinux.0", "boot/../pxelinux.0x"})
    void plainNamesAndALeadingSlashMeanTheRoot(String name) {
        Verdict<BeneathRoot.OpenFile> v = open(jail(SymlinkPolicy.INSIDE_ROOT, false), name);
        if (name.endsWith("x")) {
            assertThat(v.granted()).isFalse();
            return;
        }
        assertThat(v.value().path()).isEqualTo(root.resolve("pxelinux.0"));
    }

    @Test
    void theServersOwnAbsolutePathMeansTheFileUnderTheRoot() {
        assertThat(open(jail(SymlinkPolicy.INSIDE_ROOT, false), root + "/boot/grub/grub.cfg").value().path())
                .isEqualTo(root.resolve("boot/grub/grub.cfg"));
    }

    /** The traversal corpus: nothing here may ever reach a file outside the root. */
    @ParameterizedTest
    @ValueSource(strings = {
        "../secret.txt", "boot/../../secret.txt", "/../secret.txt", "..", "../", "boot/grub/../../../secret.txt",
        "..\\secret.txt", "boot\\..\\..\\secret.txt", "%2e%2e%2fsecret.txt", "..%2fsecret.txt",
        "escape", "escape-dir/secret.txt", "C:\\secret.txt", "c:/secret.txt",
        "pxelinux.0\u0000../secret.txt", "boot\u0001", "/etc/passwd", "dangling", "boot", "",
    })
    void traversalCorpusIsRefusedWithoutRevealingPaths(String name) {
        for (SymlinkPolicy policy : SymlinkPolicy.values()) {
            Verdict<BeneathRoot.OpenFile> v = open(jail(policy, true), name);
            assertThat(v.granted()).as(name + " under " + policy).isFalse();
            assertThat(v.refusal().code()).as(name).isIn(1, 2);
            assertThat(v.refusal().message()).isIn("file not found", "access violation");
            assertThat(v.refusal().message() + v.refusal().reason()).doesNotContain(dir.toString());
        }
    }

    @Test
    void specificRefusalReasons() {
        PathJail j = jail(SymlinkPolicy.INSIDE_ROOT, false);
        assertThat(open(j, "../secret.txt").refusal()).isEqualTo(Refusal.accessViolation("'..' in name"));
        assertThat(open(j, "escape").refusal())
                .isEqualTo(Refusal.accessViolation("symlink points outside the root"));
        assertThat(open(j, "a\u0000b").refusal())
                .isEqualTo(Refusal.accessViolation("control character in name"));
        assertThat(open(j, "x".repeat(256)).refusal())
                .isEqualTo(Refusal.accessViolation("name longer than 255 characters"));
        assertThat(open(j, "missing.bin").refusal()).isEqualTo(Refusal.notFound());
        assertThat(open(j, "boot").refusal()).isEqualTo(Refusal.accessViolation("not a regular file"));
    }

    @Test
    void symlinkInsideTheRootFollowsOnlyUnderTheDefaultPolicy() {
        assertThat(open(jail(SymlinkPolicy.INSIDE_ROOT, false), "latest.cfg").value().path())
                .isEqualTo(root.resolve("boot/grub/grub.cfg"));
        assertThat(open(jail(SymlinkPolicy.NEVER, false), "latest.cfg").refusal())
                .isEqualTo(Refusal.accessViolation("symlinks are not followed"));
        assertThat(open(jail(SymlinkPolicy.NEVER, false), "boot/grub/grub.cfg").granted()).isTrue();
    }

    @Test
    void caseInsensitiveLookupFindsWindowsStyleNames() {
        assertThat(open(jail(SymlinkPolicy.INSIDE_ROOT, true), "BOOT/Grub/GRUB.CFG").value().path())
                .isEqualTo(root.resolve("boot/grub/grub.cfg"));
        assertThat(open(jail(SymlinkPolicy.INSIDE_ROOT, false), "BOOT/Grub/GRUB.CFG").granted()).isFalse();
    }

    @Test
    void linksAreWalkedOneNameAtATimeAndNeverClimbAboveTheRoot() throws Exception {
        Files.createSymbolicLink(root.resolve("boot/up"), Path.of("../pxelinux.0"));
        Files.createSymbolicLink(root.resolve("boot/out"), Path.of("../../secret.txt"));
        Files.createSymbolicLink(root.resolve("boot/grub-dir"), Path.of("grub"));
        Files.createSymbolicLink(root.resolve("loop-a"), Path.of("loop-b"));
        Files.createSymbolicLink(root.resolve("loop-b"), Path.of("loop-a"));
        PathJail j = jail(SymlinkPolicy.INSIDE_ROOT, false);
        assertThat(open(j, "boot/up").value().path()).isEqualTo(root.resolve("pxelinux.0"));
        assertThat(open(j, "boot/grub-dir/grub.cfg").value().path()).isEqualTo(root.resolve("boot/grub/grub.cfg"));
        assertThat(open(j, "boot/out").refusal()).isEqualTo(Refusal.accessViolation("symlink points outside the root"));
        assertThat(open(j, "loop-a").refusal()).isEqualTo(Refusal.accessViolation("too many levels of symlinks"));
        assertThat(open(jail(SymlinkPolicy.NEVER, false), "boot/grub-dir/grub.cfg").refusal())
                .isEqualTo(Refusal.accessViolation("symlinks are not followed"));
    }

    @Test
    void aRootConfiguredThroughALinkAcceptsAbsoluteLinksByEitherName() throws Exception {
        Path alias = Files.createSymbolicLink(dir.resolve("alias"), root);
        Files.createSymbolicLink(root.resolve("by-alias.cfg"), alias.resolve("boot/grub/grub.cfg"));
        PathJail j = new PathJail(alias, SymlinkPolicy.INSIDE_ROOT, false, 255);
        assertThat(open(j, "by-alias.cfg").granted()).isTrue();
        assertThat(open(j, "latest.cfg").granted()).isTrue();
        assertThat(open(j, "escape").refusal()).isEqualTo(Refusal.accessViolation("symlink points outside the root"));
    }

    @Test
    void whatIsReadIsTheFileThatWasChecked() throws Exception {
        try (BeneathRoot.OpenFile f = jail(SymlinkPolicy.INSIDE_ROOT, false).openForRead("latest.cfg").value()) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
            f.channel().read(b, 0);
            assertThat(new String(b.array(), 0, b.position())).isEqualTo("menu");
            assertThat(f.size()).isEqualTo(4);
            assertThat(f.fileKey()).isEqualTo(Files.readAttributes(root.resolve("boot/grub/grub.cfg"),
                    java.nio.file.attribute.BasicFileAttributes.class).fileKey());
        }
    }
}
