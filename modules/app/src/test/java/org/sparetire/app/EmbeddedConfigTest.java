package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.dhcp.DhcpConfig;
import org.sparetire.syslog.SyslogConfig;
import org.sparetire.tftp.TftpConfig;

class EmbeddedConfigTest {
    @Test
    void theShippedDefaultIsValidAndSafe() throws Exception {
        AppConfig config = ConfigFiles.load(null, ConfigOverrides.none());
        assertThat(config.source()).isEqualTo(ConfigFiles.EMBEDDED_LABEL);
        assertThat(config.section(TftpConfig.SECTION).enabled()).isTrue();
        assertThat(config.section(TftpConfig.SECTION).listen().port()).isEqualTo(69);
        assertThat(config.section(TftpConfig.SECTION).root()).isEqualTo(Path.of("tftpboot").toAbsolutePath());
        assertThat(config.section(SyslogConfig.SECTION).enabled()).isTrue();
        // Never hand out leases on a network nobody chose.
        assertThat(config.section(DhcpConfig.SECTION).enabled()).isFalse();
    }

    @Test
    void theEmbeddedCopyIsTheFileInConf() throws Exception {
        Path conf = Path.of("../../conf/sparetire.yaml");
        assertThat(ConfigFiles.embeddedText()).isEqualTo(java.nio.file.Files.readString(conf));
    }
}
