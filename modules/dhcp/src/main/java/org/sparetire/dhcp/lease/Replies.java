package org.sparetire.dhcp.lease;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
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
import org.sparetire.dhcp.codec.Octets;
import org.sparetire.dhcp.codec.OptionCatalog;
import org.sparetire.dhcp.policy.BootPlan;
import org.sparetire.dhcp.policy.ClientFacts;
import org.sparetire.dhcp.policy.ReplyPlanner;

/**
 * How the responder's decisions become packets: a reply with the boot plan's options and where it goes
 * (RFC 2131 section 4.1), a NAK, and the lease event each announces. Holds no state of its own.
 */
final class Replies {
    private static final InetAddress BROADCAST = DhcpMessage.ipv4(255, 255, 255, 255);
    /** RFC 2131 section 2: a client must accept 576-byte datagrams; 28 bytes go to IP and UDP. */
    private static final int DEFAULT_MAX = 576 - 28;

    private final DhcpConfig config;
    private final ReplyPlanner planner;
    private final int relayPort;

    Replies(DhcpConfig config, ReplyPlanner planner) {
        this.config = config;
        this.planner = planner;
        this.relayPort = config.port() == 0 ? 67 : config.port();
    }

    Step reply(Instant now, DhcpMessage req, Ingress in, Subnet subnet, Optional<Reservation> res, MessageType type,
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
        LeaseEvent e = event(now, kind, req, in, DhcpMessage.isZero(yiaddr) ? null : yiaddr, plan.matchedClass(),
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

    /** A NAK for {@code why}; {@code line} is the log's account of the request. */
    Step nak(Instant now, DhcpMessage req, Ingress in, String why, String line) {
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
        LeaseEvent event = event(now, LeaseEventKind.NAKED, req, in, null, null, null, null, Map.of());
        return new Step(nak, dest, !req.relayed(), DEFAULT_MAX, List.of(), List.of(event), () -> "nak " + line, null);
    }

    static String hostname(DhcpMessage req, Optional<Reservation> res) {
        if (res.isPresent() && res.get().hostname() != null) {
            return res.get().hostname();
        }
        return req.textOption(OptionCatalog.HOSTNAME).map(Replies::sanitize).orElse(null);
    }

    /** Client-chosen names end up in logs and the journal: keep them to one printable token. */
    static String sanitize(String s) {
        String clean = s.replaceAll("[^A-Za-z0-9._-]", "_");
        return clean.length() > 63 ? clean.substring(0, 63) : clean;
    }

    static LeaseEvent event(Instant now, LeaseEventKind kind, DhcpMessage req, Ingress in, InetAddress address, String matched,
                             String bootFile, Instant expires, Map<Integer, String> options) {
        return new LeaseEvent(now, kind, req.mac(), req.option(OptionCatalog.CLIENT_ID).map(Octets::hex).orElse(null),
                address, req.textOption(OptionCatalog.HOSTNAME).map(Replies::sanitize).orElse(null),
                req.textOption(OptionCatalog.VENDOR_CLASS).orElse(null),
                req.architectures().isEmpty() ? -1 : req.architectures().get(0),
                req.userClasses().isEmpty() ? null : String.join(",", req.userClasses()), matched, bootFile, expires,
                in.source(), options);
    }
}
