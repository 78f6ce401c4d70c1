package org.sparetire.dhcp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.sparetire.core.config.ConfigMapping;
import org.sparetire.core.config.ConfigValue;
import org.sparetire.core.config.Position;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.Cidr;
import org.sparetire.dhcp.DhcpConfig.BootClass;
import org.sparetire.dhcp.DhcpConfig.Match;
import org.sparetire.dhcp.DhcpConfig.OptionSetting;
import org.sparetire.dhcp.DhcpConfig.Range;
import org.sparetire.dhcp.DhcpConfig.Reservation;
import org.sparetire.dhcp.DhcpConfig.Subnet;
import org.sparetire.dhcp.codec.Octets;
import org.sparetire.dhcp.policy.BootUrls;

/** Binds the {@code dhcp:} section, reporting every problem at its file:line:col. */
final class DhcpConfigBinder {
    /** RFC 4578 section 2.1 / IANA "Processor Architecture Types", by the names people use. */
    static final Map<String, List<Integer>> ARCH_NAMES = Map.ofEntries(
            Map.entry("bios", List.of(0)),
            Map.entry("efi-ia32", List.of(6)),
            Map.entry("efi-x64", List.of(7, 9)),
            Map.entry("efi-arm32", List.of(10)),
            Map.entry("efi-arm64", List.of(11)),
            Map.entry("http-x64", List.of(16)),
            Map.entry("http-arm64", List.of(19)),
            Map.entry("efi-riscv64", List.of(27)));

    private DhcpConfigBinder() {
    }

    static DhcpConfig bind(ConfigMapping m) {
        DhcpConfig d = DhcpConfig.disabled();
        boolean enabled = m.bool("enabled", false);
        List<String> interfaces = new ArrayList<>();
        for (ConfigValue v : m.value("interfaces").map(ConfigValue::asList).orElse(List.of())) {
            v.asString().ifPresent(name -> {
                interfaces.add(name);
                if (enabled && !LocalInterfaces.exists(name)) {
                    // A warning, not an error: a USB adapter may be plugged in before the start.
                    v.warning(v.path() + ": interface " + name + " does not exist on this machine (see `ip -br link`); "
                            + "DHCP will not start until it does");
                }
            });
        }
        m.defaultShown("interfaces", "[]");
        int port = m.port("port", 67);
        int clientPort = m.port("client-port", 68);
        int proxyPort = m.port("proxy-port", 4011);
        DhcpConfig.Mode mode = m.choice("mode", DhcpConfig.Mode.class, DhcpConfig.Mode.SERVER);
        boolean authoritative = m.bool("authoritative", false);
        List<Subnet> subnets = new ArrayList<>();
        List<RangeAt> allRanges = new ArrayList<>();
        for (ConfigMapping s : m.mappings("subnets")) {
            bindSubnet(s, allRanges).ifPresent(subnets::add);
        }
        List<Reservation> reservations = new ArrayList<>();
        Map<String, Integer> reservedKeys = new HashMap<>();
        for (ConfigMapping r : m.mappings("reservations")) {
            bindReservation(r, subnets, reservedKeys).ifPresent(reservations::add);
        }
        List<BootClass> classes = new ArrayList<>();
        Map<String, Integer> classNames = new HashMap<>();
        for (ConfigMapping c : m.mappings("classes")) {
            bindClass(c, classNames).ifPresent(classes::add);
        }
        var leaseFile = m.path("lease-file", "leases/dhcp.leases");
        Duration offerHold = positive(m, "offer-hold", d.offerHold());
        Duration quarantine = positive(m, "decline-quarantine", d.declineQuarantine());
        boolean ping = m.bool("ping-check", false);
        Duration pingTimeout = positive(m, "ping-timeout", d.pingTimeout());
        ConfigMapping rogue = m.mapping("rogue-check");
        DhcpConfig.RogueCheck rogueMode = rogue.choice("action", DhcpConfig.RogueCheck.class, DhcpConfig.RogueCheck.WARN);
        Duration rogueWait = positive(rogue, "wait", d.rogueWait());
        Duration compact = positive(m, "compact-every", d.compactEvery());
        DhcpConfig.LeaseStoreSetting store = bindLeaseStore(m.mapping("lease-store"));

        if (enabled && interfaces.isEmpty()) {
            m.problem("interfaces", "name at least one interface to answer on (answering everywhere could hand out "
                    + "leases on a network nobody chose)");
        }
        if (enabled && mode == DhcpConfig.Mode.SERVER && subnets.isEmpty()) {
            m.problem("subnets", "server mode needs at least one subnet with a range (or set mode: proxy)");
        }
        return new DhcpConfig(enabled, interfaces, port, clientPort, proxyPort, mode, authoritative, subnets,
                reservations, classes, leaseFile, offerHold, quarantine, ping, pingTimeout, rogueMode, rogueWait, compact, store);
    }

    /** {@code lease-store: {type: postgresql, url, user, password-file}}; the journal needs nothing more. */
    private static DhcpConfig.LeaseStoreSetting bindLeaseStore(ConfigMapping m) {
        DhcpConfig.StoreType type = m.choice("type", DhcpConfig.StoreType.class, DhcpConfig.StoreType.JOURNAL);
        if (type == DhcpConfig.StoreType.JOURNAL) {
            for (String key : List.of("url", "user", "password-file")) {
                if (m.has(key)) {
                    m.problem(key, "only a postgresql lease store takes " + key + " (the journal is dhcp.lease-file)");
                }
            }
            return DhcpConfig.LeaseStoreSetting.JOURNAL;
        }
        String url = m.optionalString("url").orElse(null);
        if (url == null) {
            m.problem("url", "a postgresql lease store needs url: jdbc:postgresql://HOST:PORT/DATABASE");
        } else if (!url.startsWith("jdbc:postgresql://")) {
            m.problem("url", "expected jdbc:postgresql://HOST:PORT/DATABASE, got " + url);
        } else if (url.toLowerCase(Locale.ROOT).contains("password=")) {
            m.problem("url", "keep the password out of the url (it would be printed and logged); "
                    + "put it in a file named by password-file");
        }
        String user = m.optionalString("user").orElse(null);
        if (user == null) {
            m.problem("user", "a postgresql lease store needs the database user");
        }
        java.nio.file.Path passwordFile = m.optionalPath("password-file").orElse(null);
        if (passwordFile == null) {
            m.problem("password-file", "a postgresql lease store needs password-file: a file holding only the password");
        } else if (!java.nio.file.Files.isReadable(passwordFile)) {
            m.problem("password-file", passwordFile + " is not a readable file");
        }
        return new DhcpConfig.LeaseStoreSetting(type, url, user, passwordFile);
    }

    private static Duration positive(ConfigMapping m, String key, Duration def) {
        Duration v = m.duration(key, def);
        if (v.isZero() || v.isNegative()) {
            m.problem(key, "must be longer than zero");
            return def;
        }
        return v;
    }

    private record RangeAt(Range range, Position position) {
    }

    private static Optional<Subnet> bindSubnet(ConfigMapping s, List<RangeAt> allRanges) {
        Optional<Cidr> network = s.value("network").flatMap(ConfigValue::asCidr);
        if (!s.has("network")) {
            s.problem("network", "every subnet needs a network such as 192.168.50.0/24");
        }
        network.filter(n -> !(n.network() instanceof Inet4Address))
                .ifPresent(n -> s.problem("network", "DHCP hands out IPv4 addresses; " + n + " is not IPv4"));
        List<Range> ranges = new ArrayList<>();
        for (ConfigMapping r : s.mappings("ranges")) {
            InetAddress from = ipv4(r, "from");
            InetAddress to = ipv4(r, "to");
            if (!r.has("from") || !r.has("to")) {
                r.problem("a range needs both from and to");
                continue;
            }
            if (from == null || to == null) {
                continue;
            }
            if (Addresses.ipv4ToLong(from) > Addresses.ipv4ToLong(to)) {
                r.problem("from " + from.getHostAddress() + " is after to " + to.getHostAddress());
                continue;
            }
            boolean inside = true;
            if (network.isPresent()) {
                for (String key : List.of("from", "to")) {
                    InetAddress a = key.equals("from") ? from : to;
                    if (!network.get().contains(a)) {
                        r.problem(key, a.getHostAddress() + " is outside the subnet's network " + network.get());
                        inside = false;
                    }
                }
            }
            if (!inside) {
                continue;
            }
            Range range = new Range(from, to);
            boolean overlaps = false;
            for (RangeAt earlier : allRanges) {
                if (Addresses.ipv4ToLong(from) <= Addresses.ipv4ToLong(earlier.range().to())
                        && Addresses.ipv4ToLong(earlier.range().from()) <= Addresses.ipv4ToLong(to)) {
                    r.problem("range " + from.getHostAddress() + "-" + to.getHostAddress() + " overlaps the range "
                            + earlier.range().from().getHostAddress() + "-" + earlier.range().to().getHostAddress()
                            + " at line " + earlier.position().line());
                    overlaps = true;
                    break;
                }
            }
            if (!overlaps) {
                allRanges.add(new RangeAt(range, r.position()));
                ranges.add(range);
            }
        }
        List<InetAddress> routers = ipv4List(s, "router");
        List<InetAddress> dns = ipv4List(s, "dns");
        String domain = s.optionalString("domain").orElse(null);
        List<InetAddress> ntp = ipv4List(s, "ntp");
        Duration leaseTime = positive(s, "lease-time", Duration.ofHours(1));
        InetAddress nextServer = ipv4(s, "next-server");
        String bootFile = bootFile(s);
        List<OptionSetting> options = DhcpOptionBinder.options(s);
        if (network.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Subnet(network.get(), ranges, routers, dns, domain, ntp, leaseTime, nextServer,
                bootFile, options));
    }

    private static String bootFile(ConfigMapping m) {
        String f = m.optionalString("boot-file").orElse(null);
        if (f != null && BootUrls.expand(f, BootUrls.LONGEST_ADDRESS).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)
                .length > 127) {
            m.problem("boot-file", "longer than the 127 bytes the BOOTP file field holds"
                    + (f.contains(BootUrls.SERVER) ? " (with " + BootUrls.SERVER + " as a 15-character address)" : ""));
        }
        return f;
    }

    private static Optional<Reservation> bindReservation(ConfigMapping r, List<Subnet> subnets,
                                                         Map<String, Integer> seen) {
        String mac = r.optionalString("mac").map(s -> s.trim().toLowerCase(Locale.ROOT).replace('-', ':')).orElse(null);
        if (mac != null && !mac.matches("([0-9a-f]{2}:){5}[0-9a-f]{2}")) {
            r.problem("mac", "expected a MAC address such as 52:54:00:12:34:56, found '" + mac + "'");
            mac = null;
        }
        Octets clientId = null;
        Optional<String> id = r.optionalString("client-id");
        if (id.isPresent()) {
            try {
                clientId = Octets.parseHex(id.get());
            } catch (IllegalArgumentException e) {
                r.problem("client-id", e.getMessage());
            }
        }
        InetAddress address = ipv4(r, "address");
        String hostname = r.optionalString("hostname").orElse(null);
        String bootFile = bootFile(r);
        InetAddress nextServer = ipv4(r, "next-server");
        List<OptionSetting> options = DhcpOptionBinder.options(r);
        if (!r.has("mac") && !r.has("client-id")) {
            r.problem("a reservation needs a mac or a client-id");
            return Optional.empty();
        }
        if (address != null && subnets.stream().noneMatch(s -> s.network().contains(address))) {
            r.problem("address", address.getHostAddress() + " is in none of the configured subnets");
        }
        String key = mac != null ? "mac " + mac : clientId != null ? "client-id " + clientId.hex() : null;
        if (key != null) {
            Integer first = seen.putIfAbsent(key, r.position().line());
            if (first != null) {
                r.problem("duplicate reservation for " + key + " (first at line " + first + ")");
            }
        }
        if (address != null) {
            Integer first = seen.putIfAbsent("address " + address.getHostAddress(), r.position().line());
            if (first != null) {
                r.problem("address", address.getHostAddress() + " is already reserved at line " + first);
            }
        }
        return Optional.of(new Reservation(mac, clientId, address, hostname, bootFile, nextServer, options));
    }

    private static Optional<BootClass> bindClass(ConfigMapping c, Map<String, Integer> names) {
        String name = c.optionalString("name").orElse(null);
        if (name == null) {
            c.problem("name", "every class needs a name (it is logged and shown by 'explain')");
        } else {
            Integer first = names.putIfAbsent(name, c.position().line());
            if (first != null) {
                c.problem("name", "class '" + name + "' is already defined at line " + first);
            }
        }
        ConfigMapping mm = c.mapping("match");
        List<Integer> arch = new ArrayList<>();
        for (ConfigValue v : mm.value("arch").map(ConfigValue::asList).orElse(List.of())) {
            v.asString().ifPresent(s -> {
                String key = s.trim().toLowerCase(Locale.ROOT);
                if (ARCH_NAMES.containsKey(key)) {
                    arch.addAll(ARCH_NAMES.get(key));
                } else if (key.matches("\\d{1,5}") && Integer.parseInt(key) <= 0xffff) {
                    arch.add(Integer.parseInt(key));
                } else {
                    v.problem(v.path() + ": expected an architecture number (0-65535) or one of "
                            + new java.util.TreeSet<>(ARCH_NAMES.keySet()) + ", found '" + s + "'");
                }
            });
        }
        String vendor = mm.optionalString("vendor-class").orElse(null);
        String user = mm.optionalString("user-class").orElse(null);
        String macPrefix = mm.optionalString("mac-prefix").map(s -> s.trim().toLowerCase(Locale.ROOT).replace('-', ':'))
                .orElse(null);
        if (macPrefix != null && !macPrefix.matches("[0-9a-f]{2}(:[0-9a-f]{2}){0,5}")) {
            mm.problem("mac-prefix", "expected leading MAC bytes such as 00:1b:54, found '" + macPrefix + "'");
            macPrefix = null;
        }
        String circuit = mm.optionalString("circuit-id").orElse(null);
        String bootFile = bootFile(c);
        InetAddress nextServer = ipv4(c, "next-server");
        List<OptionSetting> options = DhcpOptionBinder.options(c);
        if (arch.isEmpty() && vendor == null && user == null && macPrefix == null && circuit == null
                && !mm.has("arch")) {
            c.problem("match", "a class needs at least one of arch, vendor-class, user-class, mac-prefix, circuit-id");
            return Optional.empty();
        }
        return Optional.of(new BootClass(name == null ? "?" : name,
                new Match(arch, vendor, user, macPrefix, circuit), bootFile, nextServer, options));
    }

    private static InetAddress ipv4(ConfigMapping m, String key) {
        Optional<InetAddress> a = m.optionalAddress(key);
        if (a.isPresent() && !(a.get() instanceof Inet4Address)) {
            m.problem(key, "DHCP needs an IPv4 address, found " + a.get().getHostAddress());
            return null;
        }
        return a.orElse(null);
    }

    private static List<InetAddress> ipv4List(ConfigMapping m, String key) {
        List<InetAddress> out = new ArrayList<>();
        for (ConfigValue v : m.value(key).map(ConfigValue::asList).orElse(List.of())) {
            v.asAddress().ifPresent(a -> {
                if (a instanceof Inet4Address) {
                    out.add(a);
                } else {
                    v.problem(v.path() + ": DHCP needs an IPv4 address, found " + a.getHostAddress());
                }
            });
        }
        return out;
    }
}
