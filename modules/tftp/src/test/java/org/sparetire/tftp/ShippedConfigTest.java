package org.sparetire.tftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.config.ConfigLoader;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.tftp.policy.ExistingUpload;

/** The tftp block of conf/sparetire.yaml binds without a problem and says what the docs say. */
class ShippedConfigTest {
    @TempDir
    Path dir;

    @Test
    void shippedBlockBinds() throws Exception {
        String all = Files.readString(Path.of("../../conf/sparetire.yaml"));
        String block = all.substring(all.indexOf("# >>> tftp"), all.indexOf("# <<< tftp"));
        TftpConfig c = new ConfigLoader(List.of(TftpConfig.SECTION)).loadText(block, "sparetire.yaml", dir,
                ConfigOverrides.none()).section(TftpConfig.SECTION);
        assertThat(c.listen().bind().getHostAddress()).isEqualTo("0.0.0.0");
        assertThat(c).isEqualTo(TftpConfigBuilder.defaults(dir.resolve("tftpboot"))
                .withBind(InetAddress.getByName("0.0.0.0"), 69)
                .withUploads(new TftpConfig.Uploads(false, dir.resolve("backups"), ExistingUpload.KEEP_VERSIONS,
                        64L << 20, List.of(), List.of()))
                .withCreateRoot(true).build());
    }
}
