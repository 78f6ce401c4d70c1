package org.sparetire.dhcp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.Cidr;
import org.sparetire.dhcp.DhcpConfig.Range;
import org.sparetire.dhcp.DhcpConfig.Subnet;

/**
 * {@code sparetire serve --dhcp-on IFACE [--force]}: a DHCP server for one bench interface, derived from
 * that interface's own address, with everything else (classes, reservations, lease file) from the config.
 * It refuses an interface without IPv4, and the interface that carries the default route (that is the
 * office or home network, which has its own DHCP server) unless forced.
 */
public final class DhcpQuickMode {
    private DhcpQuickMode() {
    }

    /** Why quick mode cannot run, in one line a person can act on. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** The config with the {@code dhcp} section replaced by the quick-mode one. */
    public static AppConfig applyTo(AppConfig config, String iface, boolean force) throws Refused {
        DhcpConfig quick = derive(iface, force, config.section(DhcpConfig.SECTION));
        Map<String, Object> sections = new LinkedHashMap<>(config.sections());
        sections.put(DhcpConfig.SECTION.name(), quick);
        return new AppConfig(config.source(), config.baseDir(), config.core(), sections);
    }

    public static DhcpConfig derive(String iface, boolean force, DhcpConfig base) throws Refused {
        if (!LocalInterfaces.exists(iface)) {
            throw new Refused("interface " + iface + " does not exist (see `ip -br link`)");
        }
        if (LocalInterfaces.isLoopback(iface)) {
            throw new Refused("interface " + iface + " is a loopback interface: no device can reach a DHCP server there; "
                    + "name the interface the device is cabled to (see `ip -br link`)");
        }
        Optional<LocalInterfaces.Ipv4> ip = LocalInterfaces.ipv4(iface);
        if (ip.isEmpty()) {
            throw new Refused("interface " + iface + " has no IPv4 address: give it one first, for example "
                    + "`ip addr add 192.168.50.1/24 dev " + iface + "`");
        }
        return derive(ip.get(), LocalInterfaces.defaultRouteInterfaces(), force, base);
    }

    static DhcpConfig derive(LocalInterfaces.Ipv4 ip, List<String> defaultRouteIfaces, boolean force, DhcpConfig base)
            throws Refused {
        if (defaultRouteIfaces.contains(ip.name()) && !force) {
            throw new Refused("interface " + ip.name() + " carries the default route, so it faces a network you probably "
                    + "do not own; refusing to hand out leases there (add --force if it really is your bench network)");
        }
        Cidr net = ip.network();
        if (net.prefixLength() > 29) {
            throw new Refused("interface " + ip.name() + " is on " + net + ", too small for a pool (use /29 or larger)");
        }
        Optional<Subnet> configured = base.subnetFor(ip.address());
        Subnet subnet = configured.orElseGet(() -> new Subnet(net, List.of(pool(net, ip.address())), List.of(), List.of(),
                null, List.of(), Duration.ofHours(1), ip.address(), null, List.of()));
        return base.withInterfacesAndSubnets(List.of(ip.name()), List.of(subnet));
    }

    /**
     * The upper half of the network (at most 200 addresses), leaving the lower half for static devices,
     * and never the interface's own address: on 192.168.50.1/24 that is .128-.254.
     */
    static Range pool(Cidr net, InetAddress own) {
        long base = Addresses.ipv4ToLong(net.network());
        long size = 1L << (32 - net.prefixLength());
        long first = base + Math.max(2, size / 2);
        long last = Math.min(base + size - 2, first + 199);
        long self = Addresses.ipv4ToLong(own);
        if (self >= first && self <= last) {
            if (last - self >= self - first) {
                first = self + 1;
            } else {
                last = self - 1;
            }
        }
        return new Range(Addresses.ipv4FromLong(first), Addresses.ipv4FromLong(last));
    }
}
