package org.sparetire.app.cli;

import java.nio.file.Path;
import org.sparetire.app.ConfigFiles;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigException;
import org.sparetire.core.config.ConfigOverrides;
import picocli.CommandLine.Option;

/**
 * Only the config file: what the tools that read a config without running services (dhcp explain,
 * leases) accept. The service overrides ({@code --web-port} ...) would be silently meaningless there.
 */
public class ConfigFileOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config file (default: the embedded conf/sparetire.yaml, paths relative to the working directory).")
    Path file;

    public ConfigOverrides overrides() {
        return ConfigOverrides.none();
    }

    public Path file() {
        return file;
    }

    public AppConfig load() throws ConfigException {
        return ConfigFiles.load(file, overrides());
    }

    /** What problems are reported against: the file, or the embedded default. */
    public String label() {
        return file == null ? ConfigFiles.EMBEDDED_LABEL : file.toString();
    }
}
