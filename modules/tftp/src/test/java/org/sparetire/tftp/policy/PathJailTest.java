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

    PathJail jail(SymlinkPolicy policy, boolean caseInsensitive) {
        return new PathJail(root, policy, caseInsensitive, 255);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pxelinux.0", "/pxelinux.0", "//pxelinux.0", "./pxelinux.0", "boot/../pxelinux.0x"})
    void plainNamesAndALeadingSlashMeanTheRoot(String name) {
        Verdict<Path> v = jail(SymlinkPolicy.INSIDE_ROOT, false).resolveForRead(name);
        if (name.endsWith("x")) {
            assertThat(v.granted()).isFalse();
            return;
        }
        assertThat(v.value()).isEqualTo(root.resolve("pxelinux.0"));
    }

    @Test
    void theServersOwnAbsolutePathMeansTheFileUnderTheRoot() {
        assertThat(jail(SymlinkPolicy.INSIDE_ROOT, false).resolveForRead(root + "/boot/grub/grub.cfg").value())
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
            Verdict<Path> v = jail(policy, true).resolveForRead(name);
            assertThat(v.granted()).as(name + " under " + policy).isFalse();
            assertThat(v.refusal().code()).as(name).isIn(1, 2);
            assertThat(v.refusal().message()).isIn("file not found", "access violation");
            assertThat(v.refusal().message() + v.refusal().reason()).doesNotContain(dir.toString());
        }
    }

    @Test
    void specificRefusalReasons() {
        PathJail j = jail(SymlinkPolicy.INSIDE_ROOT, false);
        assertThat(j.resolveForRead("../secret.txt").refusal()).isEqualTo(Refusal.accessViolation("'..' in name"));
        assertThat(j.resolveForRead("escape").refusal())
                .isEqualTo(Refusal.accessViolation("symlink points outside the root"));
        assertThat(j.resolveForRead("a\u0000b").refusal())
                .isEqualTo(Refusal.accessViolation("control character in name"));
        assertThat(j.resolveForRead("x".repeat(256)).refusal())
                .isEqualTo(Refusal.accessViolation("name longer than 255 characters"));
        assertThat(j.resolveForRead("missing.bin").refusal()).isEqualTo(Refusal.notFound());
        assertThat(j.resolveForRead("boot").refusal()).isEqualTo(Refusal.accessViolation("not a regular file"));
    }

    @Test
    void symlinkInsideTheRootFollowsOnlyUnderTheDefaultPolicy() {
        assertThat(jail(SymlinkPolicy.INSIDE_ROOT, false).resolveForRead("latest.cfg").value())
                .isEqualTo(root.resolve("boot/grub/grub.cfg"));
        assertThat(jail(SymlinkPolicy.NEVER, false).resolveForRead("latest.cfg").refusal())
                .isEqualTo(Refusal.accessViolation("symlinks are not followed"));
        assertThat(jail(SymlinkPolicy.NEVER, false).resolveForRead("boot/grub/grub.cfg").granted()).isTrue();
    }

    @Test
    void caseInsensitiveLookupFindsWindowsStyleNames() {
        assertThat(jail(SymlinkPolicy.INSIDE_ROOT, true).resolveForRead("BOOT/Grub/GRUB.CFG").value())
                .isEqualTo(root.resolve("boot/grub/grub.cfg"));
        assertThat(jail(SymlinkPolicy.INSIDE_ROOT, false).resolveForRead("BOOT/Grub/GRUB.CFG").granted()).isFalse();
    }
}
