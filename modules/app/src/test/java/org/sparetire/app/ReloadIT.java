package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.tftp.TFTP;
import org.apache.commons.net.tftp.TFTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.core.lifecycle.ReloadReport;
import org.sparetire.core.lifecycle.ServiceManager;
import org.sparetire.core.time.Clock;

/** A reload with a broken file keeps serving the old config; a good file takes effect without a rebind. */
class ReloadIT {
    @TempDir
    Path dir;

    private Path config;

    private String fetch(int port, String name) throws Exception {
        TFTPClient client = new TFTPClient();
        client.setDefaultTimeout(java.time.Duration.ofSeconds(2));
        client.open();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            client.receiveFile(name, TFTP.BINARY_MODE, out, InetAddress.getLoopbackAddress(), port);
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            client.close();
        }
    }

    private void writeConfig(String root, String extra) throws Exception {
        Files.writeString(config, """
                web:
                  enabled: false
                syslog:
                  enabled: false
                tftp:
                  bind: 127.0.0.1
                  port: 0
                  root: %s
                %s""".formatted(root, extra));
    }

    @Test
    void brokenFileIsRejectedAndGoodFileApplies() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve("a")).resolve("image.bin"), "image from a");
        Files.writeString(Files.createDirectories(dir.resolve("b")).resolve("image.bin"), "image from b");
        config = dir.resolve("sparetire.yaml");
        writeConfig("a", "");

        ServiceManager.ConfigSource source = () -> Appliance.configLoader().load(config, ConfigOverrides.none());
        try (RunningAppliance appliance = RunningAppliance.start(source.load(), Clock.system(), source)) {
            int port = appliance.health().get("tftp").port("udp", "tftp");
            assertThat(fetch(port, "image.bin")).isEqualTo("image from a");

            writeConfig("b", "  prot: 1\n");
            ReloadReport rejected = appliance.reload()
                    .get(10, TimeUnit.SECONDS);
            assertThat(rejected.applied()).isFalse();
            assertThat(rejected.problems()).extracting(Object::toString)
                    .containsExactly(config + ":9:3: unknown key 'tftp.prot' (did you mean 'port'?)");
            assertThat(fetch(port, "image.bin")).as("old config still serves").isEqualTo("image from a");

            writeConfig("b", "");
            ReloadReport applied = appliance.reload()
                    .get(10, TimeUnit.SECONDS);
            assertThat(applied.applied()).isTrue();
            assertThat(applied.changes()).containsExactly("tftp: reconfigured");
            assertThat(appliance.health().get("tftp").port("udp", "tftp")).as("no rebind").isEqualTo(port);
            assertThat(fetch(port, "image.bin")).isEqualTo("image from b");
        }
    }
}
