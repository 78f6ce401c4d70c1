package org.sparetire.app;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.lifecycle.ServiceState;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.LocalAddresses;
import org.sparetire.syslog.SyslogConfig;
import org.sparetire.tftp.TftpConfig;

/**
 * "Point your device here": the dashboard's address, this machine's addresses per interface (what to type
 * as U-Boot's serverip) and the folders files go to and come from, as the terminal status keeps them on
 * screen.
 */
public final class BenchPointers {
    private BenchPointers() {
    }

    public static List<String> lines(AppConfig config, Map<String, ServiceHealth> health,
                                     List<LocalAddresses.Entry> addresses) {
        List<String> lines = new ArrayList<>();
        dashboardUrl(health).ifPresent(url -> lines.add("Dashboard     " + url));
        List<LocalAddresses.Entry> ipv4 = addresses.stream().filter(a -> a.address() instanceof Inet4Address).toList();
        lines.add("This machine  " + (ipv4.isEmpty() ? "no IPv4 address on any interface that is up"
                : ipv4.stream().map(LocalAddresses.Entry::toString).collect(Collectors.joining("  "))));
        TftpConfig tftp = config.section(TftpConfig.SECTION);
        if (tftp.enabled()) {
            lines.add("TFTP folder   " + tftp.root() + (tftp.uploads().enabled() ? "   uploads to " + tftp.uploads().dir() : ""));
        }
        SyslogConfig syslog = config.section(SyslogConfig.SECTION);
        if (syslog.enabled()) {
            lines.add("Syslog files  " + syslog.directory());
        }
        return lines;
    }

    /** The dashboard as a browser on this machine reaches it; a wildcard bind is reached on loopback. */
    public static java.util.Optional<String> dashboardUrl(Map<String, ServiceHealth> health) {
        ServiceHealth web = health.get("web");
        if (web == null || web.state() != ServiceState.RUNNING) {
            return java.util.Optional.empty();
        }
        return web.endpoints().stream().filter(e -> e.protocol().equalsIgnoreCase("tcp")).findFirst().map(e -> {
            InetSocketAddress a = e.address();
            String host = a.getAddress() == null || a.getAddress().isAnyLocalAddress() ? "127.0.0.1"
                    : Addresses.format(a).substring(0, Addresses.format(a).lastIndexOf(':'));
            return "http://" + host + ":" + a.getPort() + "/";
        });
    }
}
