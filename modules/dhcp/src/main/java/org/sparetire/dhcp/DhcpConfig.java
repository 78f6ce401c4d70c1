package org.sparetire.dhcp;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.sparetire.core.config.SectionKey;
import org.sparetire.core.net.Cidr;
import org.sparetire.dhcp.codec.Octets;
import org.sparetire.dhcp.codec.OptionValue;

/**
 * The {@code dhcp:} section. Immutable, with value equality all the way down, so the lifecycle manager can
 * tell whether anything changed on reload. See docs/dhcp.md for every key and why its default is what it is.
 *
 * @param interfaces     names of the interfaces to answer on; nothing else is ever answered
 * @param port           server port (67); tests use 0
 * @param clientPort     where direct replies go (68)
 * @param proxyPort      PXE boot server port in proxy mode (4011)
 * @param mode           {@code server} hands out addresses; {@code proxy} only boot information
 * @param authoritative  NAK requests for addresses this server does not know (RFC 2131 section 4.3.2)
 * @param leaseFile      append-only lease journal
 * @param offerHold      how long an offered address stays reserved for the client that was offered it
 * @param declineQuarantine how long an address a client DECLINEd (found in use) is kept out of the pool
 * @param pingCheck      ICMP-probe an address before offering it
 * @param compactEvery   how often the journal is rewritten to hold only live leases
 * @param leaseStore     where leases are kept: the journal in {@code leaseFile}, or a database shared with
 *                       other servers
 */
public record DhcpConfig(boolean enabled, List<String> interfaces, int port, int clientPort, int proxyPort, Mode mode,
                         boolean authoritative, List<Subnet> subnets, List<Reservation> reservations,
                         List<BootClass> classes, Path leaseFile, Duration offerHold, Duration declineQuarantine,
                         boolean pingCheck, Duration pingTimeout, RogueCheck rogueCheck, Duration rogueWait,
                         Duration compactEvery, LeaseStoreSetting leaseStore) {

    public static final SectionKey<DhcpConfig> SECTION = new SectionKey<>("dhcp", DhcpConfigBinder::bind);

    public DhcpConfig {
        interfaces = List.copyOf(interfaces);
        subnets = List.copyOf(subnets);
        reservations = List.copyOf(reservations);
        classes = List.copyOf(classes);
    }

    public enum Mode { SERVER, PROXY }

    public enum StoreType { JOURNAL, POSTGRESQL }

    /**
     * {@code dhcp.lease-store}. For PostgreSQL the password is read from {@code passwordFile} when the store
     * opens, so it is never part of the config, its printout or the dashboard.
     *
     * @param url a {@code jdbc:postgresql://host:port/database} URL (null for the journal)
     */
    public record LeaseStoreSetting(StoreType type, String url, String user, Path passwordFile) {
        public static final LeaseStoreSetting JOURNAL = new LeaseStoreSetting(StoreType.JOURNAL, null, null, null);
    }

    /** What to do when another DHCP server answers on one of our interfaces. */
    public enum RogueCheck { OFF, WARN, REFUSE }

    public record Range(InetAddress from, InetAddress to) {
    }

    /** One configured option: catalog name or {@code option-N}, code and typed value. */
    public record OptionSetting(String name, int code, OptionValue value) {
    }

    /**
     * @param nextServer siaddr: the TFTP server the boot loader fetches from (null: none)
     */
    public record Subnet(Cidr network, List<Range> ranges, List<InetAddress> routers, List<InetAddress> dns,
                         String domain, List<InetAddress> ntp, Duration leaseTime, InetAddress nextServer,
                         String bootFile, List<OptionSetting> options) {
        public Subnet {
            ranges = List.copyOf(ranges);
            routers = List.copyOf(routers);
            dns = List.copyOf(dns);
            ntp = List.copyOf(ntp);
            options = List.copyOf(options);
        }
    }

    /** A fixed address (and boot settings) for one client, by MAC or by client identifier. */
    public record Reservation(String mac, Octets clientId, InetAddress address, String hostname, String bootFile,
                              InetAddress nextServer, List<OptionSetting> options) {
        public Reservation {
            options = List.copyOf(options);
        }
    }

    /**
     * Matches a client by what it says about itself. Every given criterion must hold (AND); the first class
     * in file order that matches wins.
     *
     * @param architectures option 93 values; 7 and 9 both mean EFI x64 and match each other
     * @param vendorClass   prefix of option 60
     * @param userClass     exact option 77 class, such as {@code iPXE}
     * @param macPrefix     leading bytes of the hardware address, lower-case colon form
     * @param circuitId     option 82 sub-option 1, as text
     */
    public record Match(List<Integer> architectures, String vendorClass, String userClass, String macPrefix,
                        String circuitId) {
        public Match {
            architectures = List.copyOf(architectures);
        }
    }

    public record BootClass(String name, Match match, String bootFile, InetAddress nextServer,
                            List<OptionSetting> options) {
        public BootClass {
            options = List.copyOf(options);
        }
    }

    /** The subnet whose network holds the address, if any. */
    public Optional<Subnet> subnetFor(InetAddress address) {
        return subnets.stream().filter(s -> s.network().contains(address)).findFirst();
    }

    public static DhcpConfig disabled() {
        return new DhcpConfig(false, List.of(), 67, 68, 4011, Mode.SERVER, false, List.of(), List.of(), List.of(),
                Path.of("leases/dhcp.leases").toAbsolutePath(), Duration.ofSeconds(60), Duration.ofMinutes(10), false,
                Duration.ofMillis(500), RogueCheck.WARN, Duration.ofSeconds(4), Duration.ofHours(1),
                LeaseStoreSetting.JOURNAL);
    }

    public DhcpConfig withInterfacesAndSubnets(List<String> newInterfaces, List<Subnet> newSubnets) {
        return new DhcpConfig(true, newInterfaces, port, clientPort, proxyPort, mode, authoritative, newSubnets,
                reservations, classes, leaseFile, offerHold, declineQuarantine, pingCheck, pingTimeout, rogueCheck,
                rogueWait, compactEvery, leaseStore);
    }
}
