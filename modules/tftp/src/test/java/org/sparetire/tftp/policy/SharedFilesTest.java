package org.sparetire.tftp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedFilesTest {
    @TempDir
    Path dir;

    static BeneathRoot.OpenFile opened(Path f) {
        return new BeneathRoot(f.getParent(), SymlinkPolicy.NEVER, false).openFile(f.getFileName().toString()).value();
    }

    @Test
    void manyReadersShareOneDescriptorAndAReplacedFileGetsANewOne() throws Exception {
        Path f = Files.writeString(dir.resolve("fw.bin"), "version 1");
        SharedFiles files = new SharedFiles();
        FileSource a = files.share(opened(f));
        FileSource b = files.share(opened(f));
        assertThat(files.openFiles()).isEqualTo(1);
        // Replaced the way deploy tools do it: write aside, rename over.
        Files.writeString(dir.resolve("fw.new"), "version 2!");
        Files.move(dir.resolve("fw.new"), f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        FileSource c = files.share(opened(f));
        ByteBuffer old = ByteBuffer.allocate(64);
        a.read(0, old);
        ByteBuffer fresh = ByteBuffer.allocate(64);
        c.read(0, fresh);
        assertThat(new String(old.array(), 0, old.position())).as("running transfer keeps its version")
                .isEqualTo("version 1");
        assertThat(new String(fresh.array(), 0, fresh.position())).isEqualTo("version 2!");
        assertThat(c.size()).isEqualTo(10);
        a.close();
        a.close();
        b.close();
        assertThat(files.openFiles()).isEqualTo(1);
        c.close();
        assertThat(files.openFiles()).isZero();
    }

    @Test
    void positionalReadsStopAtTheEnd() throws Exception {
        Path f = Files.write(dir.resolve("x"), new byte[] {1, 2, 3, 4, 5});
        try (FileSource s = new SharedFiles().share(opened(f))) {
            ByteBuffer b = ByteBuffer.allocate(4);
            assertThat(s.read(3, b)).isEqualTo(2);
            assertThat(s.read(5, ByteBuffer.allocate(4))).isZero();
        }
    }
}
