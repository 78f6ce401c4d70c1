package org.sparetire.app.cli;

import java.nio.file.Path;
import org.sparetire.app.ConfigFiles;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigException;
import org.sparetire.core.config.ConfigOverrides;
import picocli.CommandLine.Option;

/**
 * The config file and the quick field overrides, shared by serve and check so that check validates
 * exactly what serve would run.
 */
public final class ConfigOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config file (default: the embedded conf/sparetire.yaml, paths relative to the working directory).")
    Path file;

    @Option(names = "--tftp-root", paramLabel = "DIR", description = "Serve TFTP from DIR (tftp.root).")
    String tftpRoot;

    @Option(names = "--tftp-port", paramLabel = "PORT", description = "TFTP port (tftp.port).")
    String tftpPort;

    @Option(names = "--no-tftp", description = "Do not run the TFTP server (tftp.enabled: false).")
    boolean noTftp;

    @Option(names = "--syslog-port", paramLabel = "PORT", description = "Syslog UDP port (syslog.udp.port).")
    String syslogPort;

    @Option(names = "--syslog-dir", paramLabel = "DIR", description = "File syslog messages under DIR (syslog.directory).")
    String syslogDir;

    @Option(names = "--syslog-tcp", description = "Also accept syslog over TCP (syslog.tcp.enabled: true).")
    boolean syslogTcp;

    @Option(names = "--no-syslog", description = "Do not run the syslog collector (syslog.enabled: false).")
    boolean noSyslog;

    @Option(names = "--no-dhcp", description = "Do not run the DHCP server even if the config enables it.")
    boolean noDhcp;

    @Option(names = "--web-port", paramLabel = "PORT", description = "Dashboard port (web.port).")
    String webPort;

    @Option(names = "--no-web", description = "Do not run the dashboard (web.enabled: false).")
    boolean noWeb;

    public ConfigOverrides overrides() {
        ConfigOverrides o = ConfigOverrides.none();
        if (tftpRoot != null) {
            o.set("tftp.root", Path.of(tftpRoot).toAbsolutePath().toString(), "--tftp-root");
        }
        if (tftpPort != null) {
            o.set("tftp.port", tftpPort, "--tftp-port");
        }
        if (noTftp) {
            o.set("tftp.enabled", "false", "--no-tftp");
        }
        if (syslogPort != null) {
            o.set("syslog.udp.port", syslogPort, "--syslog-port");
        }
        if (syslogDir != null) {
            o.set("syslog.directory", Path.of(syslogDir).toAbsolutePath().toString(), "--syslog-dir");
        }
        if (syslogTcp) {
            o.set("syslog.tcp.enabled", "true", "--syslog-tcp");
        }
        if (noSyslog) {
            o.set("syslog.enabled", "false", "--no-syslog");
        }
        if (webPort != null) {
            o.set("web.port", webPort, "--web-port");
        }
        if (noWeb) {
            o.set("web.enabled", "false", "--no-web");
        }
        if (noDhcp) {
            o.set("dhcp.enabled", "false", "--no-dhcp");
        }
        return o;
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
