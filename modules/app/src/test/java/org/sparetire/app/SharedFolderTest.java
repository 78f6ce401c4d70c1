package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.web.ApplianceControl.SharedFile;
import org.sparetire.web.ApplianceControl.SharedFiles;

/** The Files view lists what a device can fetch, and nothing outside the TFTP root, however it is named. */
class SharedFolderTest {
    @TempDir
    Path dir;

    @Test
    void listsFilesUnderTheRootByTheirNameAndLeavesOutLinksThatLeaveIt() throws Exception {
        Path root = Files.createDirectories(dir.resolve("tftpboot"));
        Files.createDirectories(root.resolve("images"));
        Files.writeString(root.resolve("images/fw.bin"), "firmware");
        Files.writeString(root.resolve("boot.ipxe"), "#!ipxe\n");
        Path secret = Files.writeString(dir.resolve("secret.txt"), "not for devices");
        Files.createSymbolicLink(root.resolve("escape.txt"), secret);
        Files.createSymbolicLink(root.resolve("latest.bin"), root.resolve("images/fw.bin"));

        SharedFiles listed = SharedFolder.list(root, 100);
        assertThat(listed.files()).extracting(SharedFile::name).containsExactly("boot.ipxe", "images/fw.bin", "latest.bin");
        assertThat(listed.files().get(1).size()).isEqualTo(8);
        assertThat(listed.truncated()).isFalse();
        assertThat(SharedFolder.list(root, 2).truncated()).isTrue();
    }

    @Test
    void hashesOnlyFilesInsideTheRoot() throws Exception {
        Path root = Files.createDirectories(dir.resolve("tftpboot"));
        Files.writeString(root.resolve("a.txt"), "abc", StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("outside.txt"), "abc");
        Files.createSymbolicLink(root.resolve("link.txt"), dir.resolve("outside.txt"));
        assertThat(SharedFolder.sha256(root, "a.txt"))
                .contains("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(SharedFolder.sha256(root, "/a.txt")).isPresent();
        assertThat(SharedFolder.sha256(root, "../outside.txt")).isEmpty();
        assertThat(SharedFolder.sha256(root, "link.txt")).isEmpty();
        assertThat(SharedFolder.sha256(root, "missing.bin")).isEmpty();
    }
}
