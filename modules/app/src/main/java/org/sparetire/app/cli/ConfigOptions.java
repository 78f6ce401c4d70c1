package org.sparetire.app.cli;

import java.nio.file.Path;
import org.sparetire.core.config.ConfigOverrides;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The config file and the quick field overrides, shared by serve and check so that check validates
 * exactly what serve would run. Ports are checked here, so a wrong one is a wrong command line (exit 2).
 */
public final class ConfigOptions extends ConfigFileOption {
    @Option(names = "--tftp-root", paramLabel = "DIR", description = "Serve TFTP from DIR (tftp.root).")
    String tftpRoot;

    @Option(names = "--tftp-port", paramLabel = "PORT", converter = PortConverter.class, description = "TFTP port (tftp.port).")
    String tftpPort;

    @Option(names = "--no-tftp", description = "Do not run the TFTP server (tftp.enabled: false).")
    boolean noTftp;

    @Option(names = "--syslog-port", paramLabel = "PORT", converter = PortConverter.class, description = "Syslog UDP port (syslog.udp.port).")
    String syslogPort;

    @Option(names = "--syslog-dir", paramLabel = "DIR", description = "File syslog messages under DIR (syslog.directory).")
    String syslogDir;

    @Option(names = "--syslog-tcp", description = "Also accept syslog over TCP (syslog.tcp.enabled: true).")
    boolean syslogTcp;

    @Option(names = "--no-syslog", description = "Do not run the syslog collector (syslog.enabled: false).")
    boolean noSyslog;

    @Option(names = "--no-dhcp", description = "Do not run the DHCP server even if the config enables it.")
    boolean noDhcp;

    @Option(names = "--web-port", paramLabel = "PORT", converter = PortConverter.class, description = "Dashboard port (web.port).")
    String webPort;

    @Option(names = "--no-web", description = "Do not run the dashboard (web.enabled: false).")
    boolean noWeb;

    @Override
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

    /** A port number 0..65535, kept as text for the config binder (which names the flag in any problem). */
    public static final class PortConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                int port = Integer.parseInt(value.trim());
                if (port >= 0 && port <= 65535) {
                    return value.trim();
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
            throw new CommandLine.TypeConversionException("expected a port number 0..65535, got '" + value + "'");
        }
    }
}
