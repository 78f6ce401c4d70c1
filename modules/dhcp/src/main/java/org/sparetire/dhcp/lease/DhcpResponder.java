package org.sparetire.dhcp.lease;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sparetire.core.event.LeaseEvent;
import org.sparetire.core.event.LeaseEventKind;
import org.sparetire.dhcp.DhcpConfig;
import org.sparetire.dhcp.DhcpConfig.Reservation;
import org.sparetire.dhcp.DhcpConfig.Subnet;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.codec.OptionCatalog;
import org.sparetire.dhcp.policy.ReplyPlanner;

/**
 * The RFC 2131 server state machine: one request and {@code now} in, one {@link Step} out. No threads, no
 * sockets, no clock of its own, so every state (selecting, init-reboot, renewing, rebinding) is tested with
 * a manual clock. Not thread-safe: the transport calls it from one event loop.
 */
public final class DhcpResponder {
    private final DhcpConfig config;
    private final LeaseTable table;
    private final ReplyPlanner planner;
    private final Replies replies;
    /** The time of the request being handled, for events. */
    private Instant now = Instant.EPOCH;

    public DhcpResponder(DhcpConfig config, LeaseTable table) {
        this.config = config;
        this.table = table;
        this.planner = new ReplyPlanner(config.classes());
        this.replies = new Replies(config, planner);
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
            table.record(new Lease(key, req.mac(), address, LeaseState.OFFERED, expires, Replies.hostname(req, res)));
        }
        Step offer = replies.reply(now, req, in, subnet, res, MessageType.OFFER, address, subnet.leaseTime(), List.of(),
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
        Lease bound = new Lease(key, req.mac(), address, LeaseState.BOUND, now.plus(subnet.leaseTime()),
                Replies.hostname(req, res));
        table.record(bound);
        return replies.reply(now, req, in, subnet, res, MessageType.ACK, address, subnet.leaseTime(), List.of(bound),
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
        return replies.nak(now, req, in, why, line);
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
        LeaseEvent e = Replies.event(now, LeaseEventKind.DECLINED, req, in, address.get(), null, null,
                quarantined.expires(), Map.of());
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
        LeaseEvent e = Replies.event(now, LeaseEventKind.RELEASED, req, in, address, null, null, null, Map.of());
        return Step.silent(List.of(released), List.of(e), "release mac=" + req.mac() + " ip=" + address.getHostAddress());
    }

    private Step inform(DhcpMessage req, Subnet subnet, Ingress in, Instant now) {
        // RFC 2131 section 4.3.5: options only, no lease, no yiaddr; the reply goes to ciaddr.
        return replies.reply(now, req, in, subnet, reservation(req), MessageType.ACK, DhcpMessage.ZERO, null, List.of(),
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
        Step s = replies.reply(now, req, in, subnet, reservation(req), answer, DhcpMessage.ZERO, null, List.of(),
                LeaseEventKind.PROXY_OFFERED, null);
        if (s.reply() != null && s.reply().file().isEmpty()) {
            return Step.drop("proxy mode: no boot file applies to " + req.mac());
        }
        return s;
    }

    private Optional<Reservation> reservation(DhcpMessage req) {
        return ReplyPlanner.reservationFor(config, req.mac(), req.option(OptionCatalog.CLIENT_ID).orElse(null));
    }
}
