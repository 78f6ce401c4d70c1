package org.sparetire.dhcp.lease;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.sparetire.core.event.LeaseEvent;
import org.sparetire.core.event.LeaseEventKind;
import org.sparetire.dhcp.DhcpConfig;
import org.sparetire.dhcp.DhcpConfig.Reservation;
import org.sparetire.dhcp.DhcpConfig.Subnet;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.codec.OptionCatalog;
import org.sparetire.dhcp.codec.Octets;
import org.sparetire.dhcp.policy.BootPlan;
import org.sparetire.dhcp.policy.ClientFacts;
import org.sparetire.dhcp.policy.ReplyPlanner;

/**
 * The RFC 2131 server state machine: one request and {@code now} in, one {@link Step} out. No threads, no
 * sockets, no clock of its own, so every state (selecting, init-reboot, renewing, rebinding) is tested with
 * a manual clock. Not thread-safe: the transport calls it from one event loop.
 */
public final class DhcpResponder {
    private static final InetAddress BROADCAST = DhcpMessage.ipv4(255, 255, 255, 255);
    /** RFC 2131 section 2: a client must accept 576-byte datagrams; 28 bytes go to IP and UDP. */
    private static final int DEFAULT_MAX = 576 - 28;

    private final DhcpConfig config;
    private final LeaseTable table;
    private final ReplyPlanner planner;
    private final int relayPort;
    /** The time of the request being handled, for events. */
    private Instant now = Instant.EPOCH;

    public DhcpResponder(DhcpConfig config, LeaseTable table) {
        this.config = config;
        this.table = table;
        this.planner = new ReplyPlanner(config.classes());
        this.relayPort = config.port() == 0 ? 67 : config.port();
    }

    /** A table with one pool per subnet and every reserved address kept out of the pools. */
    public static LeaseTable tableFor(DhcpConfig config) {
        List<InetAddress> reserved = new ArrayList<>();
        config.reservations().stream().filter(r -> r.address() != null).forEach(r -> reserved.add(r.address()));
        return new LeaseTable(config.subnets(), reserved);
    }

    public DhcpConfig config() {
        return config;
    }

    public LeaseTable table() {
        return table;
    }

    public ReplyPlanner planner() {
        return planner;
    }

    /** Reclaims expired leases and quarantines; the returned leases go to the journal and out as EXPIRED events. */
    public List<Lease> onTimeout(Instant now) {
        return table.sweep(now);
    }

    /**
     * An operator ends a client's lease now (the dashboard's release button), as if the client had sent
     * DHCPRELEASE: the address goes back to the pool and stays remembered for that client.
     *
     * @return the released lease, for the journal, or empty when the MAC holds no bound lease
     */
    public Optional<Lease> releaseByOperator(String mac, Instant now) {
        for (Lease lease : table.all()) {
            if (lease.mac().equalsIgnoreCase(mac) && lease.state() == LeaseState.BOUND && lease.activeAt(now)) {
                Lease released = lease.with(LeaseState.RELEASED, now);
                table.record(released);
                return Optional.of(released);
            }
        }
        return Optional.empty();
    }

    public Step onPacket(DhcpMessage req, Ingress in, Instant now) {
        this.now = now;
        if (req.op() != DhcpMessage.BOOTREQUEST) {
            return Step.drop("not a BOOTREQUEST (op " + req.op() + ")");
        }
        Optional<MessageType> type = req.type();
        if (type.isEmpty()) {
            return Step.drop("no DHCP message type (plain BOOTP is not served)");
        }
        if (config.mode() == DhcpConfig.Mode.PROXY) {
            return proxy(req, type.get(), in, now);
        }
        if (in.bootServerPort()) {
            return Step.drop("boot server port is only served in proxy mode");
        }
        Optional<Subnet> subnet = req.relayed() ? config.subnetFor(req.giaddr()) : config.subnetFor(in.serverAddress());
        if (subnet.isEmpty()) {
            return Step.drop(req.relayed() ? "no subnet for relay giaddr " + req.giaddr().getHostAddress()
                    : "no subnet configured for interface " + in.interfaceName() + " (" + in.network() + ")");
        }
        switch (type.get()) {
            case DISCOVER:
                return discover(req, subnet.get(), in, now);
            case REQUEST:
                return request(req, subnet.get(), in, now);
            case DECLINE:
                return decline(req, in, now);
            case RELEASE:
                return release(req, in, now);
            case INFORM:
                return inform(req, subnet.get(), in, now);
            default:
                return Step.drop("ignoring " + type.get() + " from a client");
        }
    }

    private Step discover(DhcpMessage req, Subnet subnet, Ingress in, Instant now) {
        String key = req.clientKey();
        Optional<Reservation> res = reservation(req);
        InetAddress address;
        boolean fresh = false;
        if (res.isPresent() && res.get().address() != null) {
            address = res.get().address();
            if (!subnet.network().contains(address)) {
                return Step.drop("reserved address " + address.getHostAddress() + " for " + req.mac()
                        + " is not on this client's network " + subnet.network());
            }
        } else {
            Optional<Lease> before = table.ofClient(key);
            address = pickAddress(req, key, subnet, now);
            if (address == null) {
                return Step.drop("pool exhausted: no free address in " + subnet.network() + " for " + req.mac());
            }
            fresh = before.isEmpty() || !before.get().address().equals(address);
        }
        Optional<Lease> current = table.ofClient(key);
        Instant expires = now.plus(config.offerHold());
        if (current.isEmpty() || current.get().state() != LeaseState.BOUND || !current.get().address().equals(address)
                || !current.get().activeAt(now)) {
            table.record(new Lease(key, req.mac(), address, LeaseState.OFFERED, expires, hostname(req, res)));
        }
        Step offer = reply(req, in, subnet, res, MessageType.OFFER, address, subnet.leaseTime(), List.of(),
                LeaseEventKind.OFFERED, now.plus(subnet.leaseTime()));
        // RFC 2131 section 4.4.1 (SHOULD probe before reuse): only new addresses, the client's own is known good.
        return fresh && config.pingCheck() ? offer.withProbe(address) : offer;
    }

    /**
     * Keeps an address out of the pool for the decline quarantine because something answered a ping on it,
     * and forgets the offer made on it. The caller then runs the DISCOVER again to pick another address.
     */
    public Lease quarantine(InetAddress address, Instant now) {
        Lease squatted = new Lease("ping:" + address.getHostAddress(), null, address, LeaseState.DECLINED,
                now.plus(config.declineQuarantine()), null);
        table.holderOf(address, now).ifPresent(l -> table.forget(l.clientKey()));
        table.record(squatted);
        return squatted;
    }

    /** RFC 2131 section 4.3.1: current binding, then previous address, then the requested one, then any. */
    private InetAddress pickAddress(DhcpMessage req, String key, Subnet subnet, Instant now) {
        Optional<Lease> known = table.ofClient(key);
        if (known.isPresent() && subnet.network().contains(known.get().address())
                && known.get().state() != LeaseState.DECLINED
                && table.availableTo(known.get().address(), key, now)) {
            return known.get().address();
        }
        Optional<InetAddress> wanted = req.addressOption(OptionCatalog.REQUESTED_ADDRESS);
        if (wanted.isPresent() && subnet.network().contains(wanted.get()) && table.availableTo(wanted.get(), key, now)) {
            return wanted.get();
        }
        try {
            return table.allocate(subnet, null, now);
        } catch (AllocationException.NoAddressAvailable e) {
            return null;
        }
    }

    private Step request(DhcpMessage req, Subnet subnet, Ingress in, Instant now) {
        String key = req.clientKey();
        Optional<InetAddress> serverId = req.addressOption(OptionCatalog.SERVER_ID);
        Optional<InetAddress> requested = req.addressOption(OptionCatalog.REQUESTED_ADDRESS);
        Optional<Reservation> res = reservation(req);
        if (serverId.isPresent()) {
            // SELECTING (RFC 2131 section 4.3.2): the client answers one server's offer, and all servers see it.
            if (!serverId.get().equals(in.serverAddress())) {
                table.ofClient(key).filter(l -> l.state() == LeaseState.OFFERED).ifPresent(l -> table.forget(key));
                return Step.drop("client " + req.mac() + " chose server " + serverId.get().getHostAddress());
            }
            if (requested.isEmpty()) {
                return Step.drop("SELECTING request from " + req.mac() + " without option 50");
            }
            return confirm(req, subnet, in, res, requested.get(), now, true);
        }
        if (requested.isPresent() && DhcpMessage.isZero(req.ciaddr())) {
            return confirm(req, subnet, in, res, requested.get(), now, false); // INIT-REBOOT
        }
        if (!DhcpMessage.isZero(req.ciaddr())) {
            return confirm(req, subnet, in, res, req.ciaddr(), now, false); // RENEWING or REBINDING
        }
        return Step.drop("REQUEST from " + req.mac() + " has neither server id, option 50 nor ciaddr");
    }

    private Step confirm(DhcpMessage req, Subnet subnet, Ingress in, Optional<Reservation> res, InetAddress address,
                         Instant now, boolean selecting) {
        String key = req.clientKey();
        if (!subnet.network().contains(address)) {
            return refuse(req, in, subnet, address, "is not on this network " + subnet.network(), selecting);
        }
        if (res.isPresent() && res.get().address() != null && !res.get().address().equals(address)) {
            return refuse(req, in, subnet, address, "is not the address reserved for this client ("
                    + res.get().address().getHostAddress() + ")", true);
        }
        Optional<Lease> known = table.ofClient(key);
        boolean ours = known.isPresent() && known.get().address().equals(address)
                && known.get().state() != LeaseState.DECLINED
                && (known.get().activeAt(now) || table.availableTo(address, key, now));
        boolean reservedForClient = res.isPresent() && address.equals(res.get().address());
        if (!ours && !reservedForClient) {
            if (known.isPresent() && known.get().activeAt(now) && known.get().state() == LeaseState.BOUND) {
                return refuse(req, in, subnet, address, "differs from this client's lease "
                        + known.get().address().getHostAddress(), true);
            }
            if (!table.availableTo(address, key, now)) {
                return refuse(req, in, subnet, address, "is not available", selecting);
            }
            // Free and in our pool: a client whose lease we lost (or that rebinds after a restart) keeps it,
            // as Kea does, instead of being bounced through DISCOVER.
        }
        Lease bound = new Lease(key, req.mac(), address, LeaseState.BOUND, now.plus(subnet.leaseTime()), hostname(req, res));
        table.record(bound);
        return reply(req, in, subnet, res, MessageType.ACK, address, subnet.leaseTime(), List.of(bound),
                LeaseEventKind.ACKED, bound.expires());
    }

    /**
     * NAK or silence. RFC 2131 section 4.3.2: a server with no record of the client stays silent, so only an
     * authoritative server NAKs an address it does not know; one it knows to be wrong is NAKed always.
     */
    private Step refuse(DhcpMessage req, Ingress in, Subnet subnet, InetAddress address, String why, boolean known) {
        String line = "request from " + req.mac() + " for " + address.getHostAddress() + " " + why;
        if (!known && !config.authoritative()) {
            return Step.drop(line + "; not authoritative, staying silent");
        }
        Map<Integer, Octets> options = new LinkedHashMap<>();
        options.put(OptionCatalog.MESSAGE_TYPE, Octets.of((byte) MessageType.NAK.code()));
        options.put(OptionCatalog.SERVER_ID, Octets.of(in.serverAddress().getAddress()));
        options.put(OptionCatalog.MESSAGE, Octets.of(why.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        req.option(OptionCatalog.RELAY_AGENT_INFO).ifPresent(o -> options.put(OptionCatalog.RELAY_AGENT_INFO, o));
        // RFC 2131 section 4.3.2: a NAK through a relay asks the relay to broadcast it.
        int flags = req.relayed() ? req.flags() | DhcpMessage.FLAG_BROADCAST : req.flags();
        DhcpMessage nak = new DhcpMessage(DhcpMessage.BOOTREPLY, req.htype(), 0, req.xid(), 0, flags, DhcpMessage.ZERO,
                DhcpMessage.ZERO, DhcpMessage.ZERO, req.giaddr(), req.chaddr(), "", "", options);
        InetSocketAddress dest = req.relayed() ? new InetSocketAddress(req.giaddr(), relayPort)
                : new InetSocketAddress(BROADCAST, config.clientPort());
        LeaseEvent event = event(LeaseEventKind.NAKED, req, in, null, null, null, null, Map.of());
        return new Step(nak, dest, !req.relayed(), DEFAULT_MAX, List.of(), List.of(event), () -> "nak " + line, null);
    }

    private Step decline(DhcpMessage req, Ingress in, Instant now) {
        Optional<InetAddress> serverId = req.addressOption(OptionCatalog.SERVER_ID);
        if (serverId.isPresent() && !serverId.get().equals(in.serverAddress())) {
            return Step.drop("DECLINE for server " + serverId.get().getHostAddress());
        }
        Optional<InetAddress> address = req.addressOption(OptionCatalog.REQUESTED_ADDRESS);
        if (address.isEmpty()) {
            return Step.drop("DECLINE from " + req.mac() + " without option 50");
        }
        Optional<Lease> holder = table.holderOf(address.get(), now);
        if (holder.isEmpty() || !holder.get().clientKey().equals(req.clientKey())) {
            return Step.drop("DECLINE from " + req.mac() + " for " + address.get().getHostAddress() + " it does not hold");
        }
        Lease quarantined = holder.get().with(LeaseState.DECLINED, now.plus(config.declineQuarantine()));
        table.record(quarantined);
        LeaseEvent e = event(LeaseEventKind.DECLINED, req, in, address.get(), null, null, quarantined.expires(), Map.of());
        return Step.silent(List.of(quarantined), List.of(e), "decline mac=" + req.mac() + " ip="
                + address.get().getHostAddress() + ": in use by another host, quarantined for " + config.declineQuarantine());
    }

    private Step release(DhcpMessage req, Ingress in, Instant now) {
        InetAddress address = req.ciaddr();
        Optional<Lease> holder = DhcpMessage.isZero(address) ? Optional.empty() : table.holderOf(address, now);
        if (holder.isEmpty() || !holder.get().clientKey().equals(req.clientKey())
                || holder.get().state() != LeaseState.BOUND) {
            return Step.drop("RELEASE from " + req.mac() + " for an address it does not hold");
        }
        Lease released = holder.get().with(LeaseState.RELEASED, now);
        table.record(released);
        LeaseEvent e = event(LeaseEventKind.RELEASED, req, in, address, null, null, null, Map.of());
        return Step.silent(List.of(released), List.of(e), "release mac=" + req.mac() + " ip=" + address.getHostAddress());
    }

    private Step inform(DhcpMessage req, Subnet subnet, Ingress in, Instant now) {
        // RFC 2131 section 4.3.5: options only, no lease, no yiaddr; the reply goes to ciaddr.
        return reply(req, in, subnet, reservation(req), MessageType.ACK, DhcpMessage.ZERO, null, List.of(),
                LeaseEventKind.INFORMED, null);
    }

    private Step proxy(DhcpMessage req, MessageType type, Ingress in, Instant now) {
        String vendor = req.textOption(OptionCatalog.VENDOR_CLASS).orElse("");
        if (!vendor.startsWith("PXEClient")) {
            return Step.drop("proxy mode: " + req.mac() + " is not a PXE client");
        }
        MessageType answer;
        if (type == MessageType.DISCOVER && !in.bootServerPort()) {
            answer = MessageType.OFFER;
        } else if (type == MessageType.REQUEST && in.bootServerPort()) {
            answer = MessageType.ACK;
        } else {
            return Step.drop("proxy mode: " + type + " on " + (in.bootServerPort() ? "4011" : "67") + " is for the DHCP server");
        }
        Subnet subnet = config.subnetFor(req.relayed() ? req.giaddr() : in.serverAddress()).orElse(null);
        Step s = reply(req, in, subnet, reservation(req), answer, DhcpMessage.ZERO, null, List.of(),
                LeaseEventKind.PROXY_OFFERED, null);
        if (s.reply() != null && s.reply().file().isEmpty()) {
            return Step.drop("proxy mode: no boot file applies to " + req.mac());
        }
        return s;
    }

    private Step reply(DhcpMessage req, Ingress in, Subnet subnet, Optional<Reservation> res, MessageType type,
                       InetAddress yiaddr, Duration leaseTime, List<Lease> durable, LeaseEventKind kind,
                       Instant expires) {
        boolean proxy = config.mode() == DhcpConfig.Mode.PROXY;
        ClientFacts facts = ClientFacts.of(req);
        BootPlan plan = planner.plan(facts, subnet, res.orElse(null), in.serverAddress(),
                type == MessageType.ACK && DhcpMessage.isZero(yiaddr) ? null : leaseTime, proxy);
        Map<Integer, Octets> options = new LinkedHashMap<>();
        options.put(OptionCatalog.MESSAGE_TYPE, Octets.of((byte) type.code()));
        options.put(OptionCatalog.SERVER_ID, Octets.of(in.serverAddress().getAddress()));
        plan.options().forEach(options::putIfAbsent);
        // RFC 3046 section 2.2: the relay agent information goes back unchanged, as the last option.
        req.option(OptionCatalog.RELAY_AGENT_INFO).ifPresent(o -> options.put(OptionCatalog.RELAY_AGENT_INFO, o));
        InetAddress ciaddr = type == MessageType.ACK ? req.ciaddr() : DhcpMessage.ZERO;
        DhcpMessage reply = new DhcpMessage(DhcpMessage.BOOTREPLY, req.htype(), 0, req.xid(), 0, req.flags(),
                ciaddr == null ? DhcpMessage.ZERO : ciaddr, yiaddr,
                plan.nextServer() == null ? DhcpMessage.ZERO : plan.nextServer(), req.giaddr(), req.chaddr(), "",
                plan.bootFile() == null ? "" : plan.bootFile(), options);

        InetSocketAddress dest;
        boolean broadcast = false;
        if (in.bootServerPort()) {
            dest = in.source(); // PXE boot server replies go back where the request came from
        } else if (req.relayed()) {
            dest = new InetSocketAddress(req.giaddr(), relayPort);
        } else if (!DhcpMessage.isZero(req.ciaddr())) {
            dest = new InetSocketAddress(req.ciaddr(), config.clientPort());
        } else {
            // Broadcast flag set, or a client without an address: unicasting to yiaddr would need an ARP
            // entry written by hand (raw sockets); RFC 2131 section 4.1 allows a broadcast instead.
            dest = new InetSocketAddress(BROADCAST, config.clientPort());
            broadcast = true;
        }
        int max = req.maxMessageSize().map(s -> s - 28).orElse(DEFAULT_MAX);
        Map<Integer, String> rendered = new LinkedHashMap<>();
        options.forEach((code, v) -> rendered.put(code, OptionCatalog.render(code, v)));
        LeaseEvent e = event(kind, req, in, DhcpMessage.isZero(yiaddr) ? null : yiaddr, plan.matchedClass(),
                plan.bootFile(), expires, rendered);
        Supplier<String> log = () -> kind.name().toLowerCase(java.util.Locale.ROOT) + " iface=" + in.interfaceName() + " peer="
                + in.source().getAddress().getHostAddress()
                + (req.relayed() ? " giaddr=" + req.giaddr().getHostAddress() : "") + " mac=" + req.mac()
                + (DhcpMessage.isZero(yiaddr) ? "" : " ip=" + yiaddr.getHostAddress())
                + (plan.matchedClass() == null ? "" : " class=" + plan.matchedClass())
                + (plan.bootFile() == null ? "" : " file=" + plan.bootFile())
                + (leaseTime == null || DhcpMessage.isZero(yiaddr) ? "" : " lease=" + leaseTime.toSeconds() + "s");
        return new Step(reply, dest, broadcast, max, durable, List.of(e), log, null);
    }

    private Optional<Reservation> reservation(DhcpMessage req) {
        return ReplyPlanner.reservationFor(config, req.mac(), req.option(OptionCatalog.CLIENT_ID).orElse(null));
    }

    private static String hostname(DhcpMessage req, Optional<Reservation> res) {
        if (res.isPresent() && res.get().hostname() != null) {
            return res.get().hostname();
        }
        return req.textOption(OptionCatalog.HOSTNAME).map(DhcpResponder::sanitize).orElse(null);
    }

    /** Client-chosen names end up in logs and the journal: keep them to one printable token. */
    static String sanitize(String s) {
        String clean = s.replaceAll("[^A-Za-z0-9._-]", "_");
        return clean.length() > 63 ? clean.substring(0, 63) : clean;
    }

    private LeaseEvent event(LeaseEventKind kind, DhcpMessage req, Ingress in, InetAddress address, String matched,
                             String bootFile, Instant expires, Map<Integer, String> options) {
        return new LeaseEvent(now, kind, req.mac(), req.option(OptionCatalog.CLIENT_ID).map(Octets::hex).orElse(null),
                address, req.textOption(OptionCatalog.HOSTNAME).map(DhcpResponder::sanitize).orElse(null),
                req.textOption(OptionCatalog.VENDOR_CLASS).orElse(null),
                req.architectures().isEmpty() ? -1 : req.architectures().get(0),
                req.userClasses().isEmpty() ? null : String.join(",", req.userClasses()), matched, bootFile, expires,
                in.source(), options);
    }
}
