package org.sparetire.dhcp.policy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sparetire.dhcp.DhcpConfig;
import org.sparetire.dhcp.DhcpConfig.BootClass;
import org.sparetire.dhcp.DhcpConfig.OptionSetting;
import org.sparetire.dhcp.DhcpConfig.Reservation;
import org.sparetire.dhcp.DhcpConfig.Subnet;
import org.sparetire.dhcp.codec.OptionCatalog;
import org.sparetire.dhcp.codec.OptionValue;
import org.sparetire.dhcp.codec.Octets;

/**
 * Builds the options of a reply as a chain (coredhcp style): subnet settings, then the matched class, then
 * the client's reservation, each overriding the one before by option code.
 *
 * <p>Which options are sent (RFC 2131 section 4.3.1, RFC 2132): the subnet mask and lease times always;
 * options set on a class or reservation always, because someone aimed them at this very client (phones
 * often do not ask for 150 or 43); everything else only when the client asked for it in option 55, or when
 * it sent no option 55 at all (old BOOTP-style clients).
 */
public final class ReplyPlanner {
    private static final Set<Integer> ALWAYS = Set.of(OptionCatalog.SUBNET_MASK, OptionCatalog.LEASE_TIME,
            OptionCatalog.RENEWAL_TIME, OptionCatalog.REBINDING_TIME);
    /** PXE spec 2.1 table 2-1: discovery control bit 3 = take the boot file from this offer, no menu. */
    private static final OptionValue PXE_DISCOVERY_CONTROL = new OptionValue.SubOptions(
            List.of(new OptionValue.SubOption(6, new OptionValue.U8(8))));

    private final BootClassifier classifier;

    public ReplyPlanner(List<BootClass> classes) {
        this.classifier = new BootClassifier(classes);
    }

    public BootClassifier classifier() {
        return classifier;
    }

    /**
     * @param subnet        the client's subnet, or null (proxy mode on a network we only advise)
     * @param serverAddress our address on the interface the request came in on; the default next-server
     * @param leaseTime     null for INFORM and proxy replies, which grant no lease
     */
    public BootPlan plan(ClientFacts facts, Subnet subnet, Reservation reservation, InetAddress serverAddress,
                         Duration leaseTime, boolean proxy) {
        Optional<BootClass> matched = classifier.classify(facts);
        Map<Integer, Candidate> c = new LinkedHashMap<>();
        String bootFile = null;
        InetAddress nextServer = null;
        if (subnet != null && !proxy) {
            put(c, OptionCatalog.SUBNET_MASK, mask(subnet.network().prefixLength()), false);
            if (!subnet.routers().isEmpty()) {
                put(c, OptionCatalog.ROUTER, new OptionValue.IpList(subnet.routers()).encode(), false);
            }
            if (!subnet.dns().isEmpty()) {
                put(c, OptionCatalog.DNS, new OptionValue.IpList(subnet.dns()).encode(), false);
            }
            if (subnet.domain() != null) {
                put(c, OptionCatalog.DOMAIN_NAME, new OptionValue.Text(subnet.domain()).encode(), false);
            }
            if (!subnet.ntp().isEmpty()) {
                put(c, OptionCatalog.NTP, new OptionValue.IpList(subnet.ntp()).encode(), false);
            }
        }
        if (subnet != null) {
            bootFile = subnet.bootFile();
            nextServer = subnet.nextServer();
            subnet.options().forEach(o -> put(c, o.code(), o.value().encode(), false));
        }
        if (matched.isPresent()) {
            BootClass b = matched.get();
            bootFile = b.bootFile() != null ? b.bootFile() : bootFile;
            nextServer = b.nextServer() != null ? b.nextServer() : nextServer;
            b.options().forEach(o -> put(c, o.code(), o.value().encode(), true));
        }
        if (reservation != null) {
            bootFile = reservation.bootFile() != null ? reservation.bootFile() : bootFile;
            nextServer = reservation.nextServer() != null ? reservation.nextServer() : nextServer;
            if (reservation.hostname() != null && !proxy) {
                put(c, OptionCatalog.HOSTNAME, new OptionValue.Text(reservation.hostname()).encode(), true);
            }
            reservation.options().forEach(o -> put(c, o.code(), o.value().encode(), true));
        }
        bootFile = BootUrls.expand(bootFile, serverAddress);
        if (bootFile != null && nextServer == null) {
            // A boot file without a server is useless to U-Boot, which reads only siaddr: point at ourselves.
            nextServer = serverAddress;
        }
        if (bootFile != null) {
            c.putIfAbsent(OptionCatalog.TFTP_SERVER_NAME,
                    new Candidate(new OptionValue.Text(nextServer.getHostAddress()).encode(), false));
            c.putIfAbsent(OptionCatalog.BOOTFILE_NAME, new Candidate(new OptionValue.Text(bootFile).encode(), false));
        }
        if (leaseTime != null && !proxy) {
            long secs = Math.min(leaseTime.toSeconds(), 0xfffffffeL);
            put(c, OptionCatalog.LEASE_TIME, new OptionValue.U32(secs).encode(), false);
            // RFC 2131 section 4.4.5: T1 = 0.5 and T2 = 0.875 of the lease.
            put(c, OptionCatalog.RENEWAL_TIME, new OptionValue.U32(secs / 2).encode(), false);
            put(c, OptionCatalog.REBINDING_TIME, new OptionValue.U32(secs * 7 / 8).encode(), false);
        }
        if (proxy) {
            // PXE spec 2.1 section 2.2.5: a proxy offer carries "PXEClient" in option 60 and option 43.
            put(c, OptionCatalog.VENDOR_CLASS, new OptionValue.Text("PXEClient").encode(), true);
            c.putIfAbsent(OptionCatalog.VENDOR_SPECIFIC, new Candidate(PXE_DISCOVERY_CONTROL.encode(), true));
        }

        if (BootUrls.isHttp(bootFile) && BootUrls.isHttpClient(facts.vendorClass())
                && (matched.isEmpty() || matched.get().options().stream().noneMatch(o -> o.code() == OptionCatalog.VENDOR_CLASS))
                && (reservation == null || reservation.options().stream().noneMatch(o -> o.code() == OptionCatalog.VENDOR_CLASS))) {
            // UEFI HTTP Boot ignores an offer without "HTTPClient" in option 60 (UEFI 2.5+ section 24.7).
            put(c, OptionCatalog.VENDOR_CLASS, new OptionValue.Text(BootUrls.HTTP_CLIENT).encode(), true);
        }
        boolean noRequestList = facts.requested().isEmpty();
        Map<Integer, Octets> ordered = new LinkedHashMap<>();
        for (int code : facts.requested()) {
            Candidate cand = c.get(code);
            if (cand != null) {
                ordered.put(code, cand.value());
            }
        }
        List<Integer> rest = new ArrayList<>(c.keySet());
        for (int code : rest) {
            Candidate cand = c.get(code);
            if (!ordered.containsKey(code) && (ALWAYS.contains(code) || cand.explicit() || noRequestList)) {
                ordered.put(code, cand.value());
            }
        }
        return new BootPlan(matched.map(BootClass::name).orElse(null), bootFile, nextServer, ordered);
    }

    private record Candidate(Octets value, boolean explicit) {
    }

    private static void put(Map<Integer, Candidate> c, int code, Octets value, boolean explicit) {
        c.remove(code); // a later layer overrides, and moves to the layer's position
        c.put(code, new Candidate(value, explicit));
    }

    static Octets mask(int prefix) {
        long m = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
        return new OptionValue.U32(m).encode();
    }

    /** The settings a reservation gives for this client, if any. */
    public static Optional<Reservation> reservationFor(DhcpConfig config, String mac, Octets clientId) {
        for (Reservation r : config.reservations()) {
            if (r.clientId() != null && r.clientId().equals(clientId)) {
                return Optional.of(r);
            }
        }
        for (Reservation r : config.reservations()) {
            if (r.mac() != null && r.mac().equals(mac)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    static List<OptionSetting> none() {
        return List.of();
    }
}
