package org.sparetire.dhcp;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.sparetire.core.net.Cidr;

/** The host's interfaces as DHCP needs them: name, first IPv4 address with its prefix, default route. */
public final class LocalInterfaces {
    private LocalInterfaces() {
    }

    /**
     * @param network the address's network, such as 192.168.50.0/24
     */
    public record Ipv4(String name, Inet4Address address, Cidr network) {
    }

    /** The interface's IPv4 address, or empty when it has none (or does not exist: see {@link #exists}). */
    public static Optional<Ipv4> ipv4(String name) {
        try {
            NetworkInterface nif = NetworkInterface.getByName(name);
            if (nif == null) {
                return Optional.empty();
            }
            for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
                if (ia.getAddress() instanceof Inet4Address a) {
                    return Optional.of(new Ipv4(name, a, new Cidr(a, ia.getNetworkPrefixLength())));
                }
            }
            return Optional.empty();
        } catch (SocketException e) {
            return Optional.empty();
        }
    }

    public static boolean exists(String name) {
        try {
            return NetworkInterface.getByName(name) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /** True for a loopback interface ({@code lo}): no device is ever on the other end of it. */
    public static boolean isLoopback(String name) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(name);
            return nic != null && nic.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    /**
     * Names of interfaces that carry an IPv4 default route, from /proc/net/route (Linux). Empty where that
     * file does not exist, so callers must treat "unknown" with care.
     */
    public static List<String> defaultRouteInterfaces() {
        return defaultRouteInterfaces(Path.of("/proc/net/route"));
    }

    static List<String> defaultRouteInterfaces(Path routeTable) {
        try {
            if (!Files.isReadable(routeTable)) {
                return List.of();
            }
            return Files.readAllLines(routeTable).stream().skip(1)
                    .map(l -> l.trim().split("\\s+"))
                    // Iface Destination Gateway Flags RefCnt Use Metric Mask ...: destination 0 and mask 0
                    .filter(f -> f.length >= 8 && f[1].equals("00000000") && f[7].equals("00000000"))
                    .map(f -> f[0]).distinct().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
