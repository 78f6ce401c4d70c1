package org.sparetire.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigException;
import org.sparetire.core.config.ConfigLoader;
import org.sparetire.core.config.ConfigOverrides;

/**
 * Finds the config a command runs on: the file given with -c, or the default embedded in the jar
 * (conf/sparetire.yaml at build time). The embedded file has no folder of its own, so its relative
 * paths resolve against the working directory: a fresh checkout serves ./tftpboot and logs to ./logs.
 */
public final class ConfigFiles {
    static final String EMBEDDED_RESOURCE = "/org/sparetire/app/conf/sparetire.yaml";
    public static final String EMBEDDED_LABEL = "embedded:conf/sparetire.yaml";

    private ConfigFiles() {
    }

    /** Reads and validates the config; a null file means the embedded default. */
    public static AppConfig load(Path file, ConfigOverrides overrides) throws ConfigException {
        ConfigLoader loader = Appliance.configLoader();
        if (file != null) {
            return loader.load(file, overrides);
        }
        return loader.loadText(embeddedText(), EMBEDDED_LABEL, Path.of("").toAbsolutePath(), overrides);
    }

    public static String embeddedText() {
        try (InputStream in = ConfigFiles.class.getResourceAsStream(EMBEDDED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the embedded default config is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
