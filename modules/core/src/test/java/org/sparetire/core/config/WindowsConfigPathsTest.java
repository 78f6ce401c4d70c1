package org.sparetire.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Config paths as a Windows laptop reads them, through Jimfs' Windows file system: drive letters,
 * backslashes, forward slashes and UNC names, absolute or against the config file's folder.
 */
class WindowsConfigPathsTest {
    private final ConfigLoader loader = new ConfigLoader(List.of(DemoSection.SECTION));
    private FileSystem windows;
    private Path conf;

    @BeforeEach
    void setUp() throws Exception {
        windows = Jimfs.newFileSystem(Configuration.windows().toBuilder()
                .setRoots("C:\\", "D:\\", "\\\\bench-nas\\images\\").setWorkingDirectory("C:\\Users\\tech").build());
        conf = Files.createDirectories(windows.getPath("C:\\Users\\tech\\sparetire\\conf"));
        Files.createDirectories(conf.resolve("boot\\uboot"));
        Files.createDirectories(windows.getPath("D:\\tftpboot"));
        Files.createDirectories(windows.getPath("\\\\bench-nas\\images\\phones"));
    }

    @AfterEach
    void tearDown() throws Exception {
        windows.close();
    }

    private Path root(String yamlValue) throws Exception {
        Path file = Files.writeString(conf.resolve("sparetire.yaml"), "demo:\n  root: '" + yamlValue + "'\n");
        return loader.load(file, ConfigOverrides.none()).section(DemoSection.SECTION).root();
    }

    @Test
    void aDriveLetterPathIsAbsolute() throws Exception {
        assertThat(root("D:\\tftpboot")).hasToString("D:\\tftpboot");
        assertThat(root("d:/tftpboot/")).isEqualTo(windows.getPath("D:\\tftpboot"));
    }

    @Test
    void relativePathsWithEitherSlashResolveAgainstTheConfigFilesFolder() throws Exception {
        assertThat(root("boot\\uboot")).hasToString("C:\\Users\\tech\\sparetire\\conf\\boot\\uboot");
        assertThat(root("./boot/uboot")).hasToString("C:\\Users\\tech\\sparetire\\conf\\boot\\uboot");
        assertThat(root("..\\conf\\boot\\uboot")).hasToString("C:\\Users\\tech\\sparetire\\conf\\boot\\uboot");
    }

    @Test
    void aUncNameIsAbsolute() throws Exception {
        assertThat(root("\\\\bench-nas\\images\\phones")).hasToString("\\\\bench-nas\\images\\phones");
    }

    @Test
    void aMissingFolderIsReportedWithTheWindowsPath() throws Exception {
        Path file = Files.writeString(conf.resolve("sparetire.yaml"), "demo:\n  root: E:\\nowhere\n");
        assertThatThrownBy(() -> loader.load(file, ConfigOverrides.none()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems().get(0).toString())
                        .isEqualTo("C:\\Users\\tech\\sparetire\\conf\\sparetire.yaml:2:9: demo.root: directory does not exist: "
                                + "E:\\nowhere"));
    }
}
