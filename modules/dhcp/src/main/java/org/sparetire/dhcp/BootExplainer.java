package org.sparetire.dhcp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.sparetire.core.net.Cidr;
import org.sparetire.dhcp.DhcpConfig.Subnet;
import org.sparetire.dhcp.codec.DhcpCodec;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.MalformedPacketException;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.codec.OptionCatalog;
import org.sparetire.dhcp.codec.Octets;
import org.sparetire.dhcp.lease.DhcpResponder;
import org.sparetire.dhcp.lease.Ingress;
import org.sparetire.dhcp.lease.Step;
import org.sparetire.dhcp.policy.BootClassifier;
import org.sparetire.dhcp.policy.ClientFacts;

/**
 * "What would the server answer this client, and why?" Runs the real responder on a private, empty lease
 * table (nothing is changed, nothing is sent) and reports the class decision with the reason each earlier
 * class did not match, the BOOTP fields, and every option with its encoded bytes.
 */
public final class BootExplainer {
    private BootExplainer() {
    }

    /**
     * A client described by hand, or by a captured packet.
     *
     * @param packetHex   a whole DHCP message in hex (wins over the other fields when given)
     * @param network     which subnet to answer from (default: the first); a relay address works too
     * @param requested   option 55; empty means "as a PXE ROM asks": 1, 3, 6, 43, 60, 66, 67, 150
     */
    public record Query(String mac, Integer arch, String vendorClass, String userClass, String circuitId,
                        List<Integer> requested, String packetHex, InetAddress network) {
        public Query {
            requested = requested == null ? List.of() : List.copyOf(requested);
        }
    }

    public record OptionLine(int code, String name, String value, String wireHex) {
    }

    public record Explanation(ClientFacts facts, List<BootClassifier.ClassCheck> checks, String matchedClass,
                              String reply, InetAddress yiaddr, InetAddress siaddr, String file,
                              List<OptionLine> options, int overload, List<Integer> dropped, String note) {

        /** The explanation as people read it. */
        public String render() {
            StringBuilder sb = new StringBuilder();
            sb.append("client   mac=").append(facts.mac()).append(" arch=")
                    .append(facts.architectures().isEmpty() ? "-" : facts.architectures())
                    .append(" vendor-class=").append(facts.vendorClass() == null ? "-" : "\"" + facts.vendorClass() + "\"")
                    .append(" user-class=").append(facts.userClasses().isEmpty() ? "-" : facts.userClasses())
                    .append('\n');
            if (checks.isEmpty()) {
                sb.append("classes  none configured\n");
            }
            for (BootClassifier.ClassCheck c : checks) {
                sb.append(c.matched() ? "match    " : "skip     ").append(c.className()).append(": ").append(c.reason())
                        .append('\n');
            }
            if (matchedClass == null && !checks.isEmpty()) {
                sb.append("result   no class matched: subnet and reservation settings apply\n");
            }
            if (reply == null) {
                sb.append("reply    none: ").append(note).append('\n');
                return sb.toString();
            }
            sb.append("reply    ").append(reply).append(" yiaddr=").append(yiaddr.getHostAddress())
                    .append(" siaddr=").append(siaddr.getHostAddress()).append(" file=")
                    .append(file.isEmpty() ? "-" : "\"" + file + "\"").append('\n');
            for (OptionLine o : options) {
                sb.append(String.format(Locale.ROOT, "option   %3d %-22s %-30s %s%n", o.code(), o.name(), o.value(),
                        o.wireHex()));
            }
            if (overload != 0) {
                sb.append("note     options overflowed into ").append(overload == 1 ? "file" : overload == 2 ? "sname"
                        : "file and sname").append(" (option 52 = ").append(overload).append(")\n");
            }
            if (!dropped.isEmpty()) {
                sb.append("note     options ").append(dropped).append(" do not fit the client's maximum message size\n");
            }
            return sb.toString();
        }
    }

    public static Explanation explain(DhcpConfig config, Query q) throws MalformedPacketException {
        DhcpMessage request = q.packetHex() != null ? DhcpCodec.decode(Octets.parseHex(q.packetHex()).toByteArray())
                : build(q);
        // Like the server: the relay's giaddr picks the subnet of a relayed request.
        Optional<Subnet> subnet = q.network() != null ? config.subnetFor(q.network())
                : request.relayed() ? config.subnetFor(request.giaddr()) : config.subnets().stream().findFirst();
        InetAddress server = subnet.map(BootExplainer::serverAddressFor).orElse(DhcpMessage.ipv4(192, 0, 2, 1));
        Cidr net = subnet.map(Subnet::network).orElse(new Cidr(server, 24));
        Ingress in = new Ingress("explain", server, net, new InetSocketAddress(DhcpMessage.ZERO, 68),
                false);
        // A DISCOVER in proxy mode is answered on 67; a REQUEST only on 4011.
        if (config.mode() == DhcpConfig.Mode.PROXY && request.type().orElse(null) == MessageType.REQUEST) {
            in = new Ingress("explain", server, net, new InetSocketAddress(DhcpMessage.ZERO, 4011), true);
        }
        DhcpResponder responder = new DhcpResponder(config, DhcpResponder.tableFor(config));
        Step step = responder.onPacket(request, in, Instant.EPOCH);
        ClientFacts facts = ClientFacts.of(request);
        List<BootClassifier.ClassCheck> checks = responder.planner().classifier().explain(facts);
        String matched = checks.stream().filter(BootClassifier.ClassCheck::matched).map(BootClassifier.ClassCheck::className)
                .findFirst().orElse(null);
        if (!step.sends()) {
            return new Explanation(facts, checks, matched, null, null, null, null, List.of(), 0, List.of(), step.log());
        }
        DhcpMessage reply = step.reply();
        List<OptionLine> lines = new ArrayList<>();
        for (Map.Entry<Integer, Octets> e : reply.options().entrySet()) {
            Octets v = e.getValue();
            String wire = String.format("%02x %02x ", e.getKey(), Math.min(255, v.length())) + spaced(v);
            lines.add(new OptionLine(e.getKey(), OptionCatalog.nameOf(e.getKey()), OptionCatalog.render(e.getKey(), v),
                    wire.trim()));
        }
        DhcpCodec.Encoded enc = DhcpCodec.encode(reply, step.maxLength());
        return new Explanation(facts, checks, matched, reply.type().map(Enum::name).orElse("?"), reply.yiaddr(),
                reply.siaddr(), reply.file(), lines, enc.overload(), enc.dropped(), step.log());
    }

    private static String spaced(Octets v) {
        String hex = v.hex();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            sb.append(hex, i, i + 2).append(' ');
        }
        return sb.toString();
    }

    /** The address the server would have on that subnet: next-server, else the first router, else .1. */
    private static InetAddress serverAddressFor(Subnet s) {
        if (s.nextServer() != null && s.network().contains(s.nextServer())) {
            return s.nextServer();
        }
        if (!s.routers().isEmpty()) {
            return s.routers().get(0);
        }
        byte[] b = s.network().network().getAddress();
        b[3] |= 1;
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DhcpMessage build(Query q) {
        Map<Integer, Octets> o = new LinkedHashMap<>();
        o.put(OptionCatalog.MESSAGE_TYPE, Octets.of((byte) MessageType.DISCOVER.code()));
        List<Integer> prl = q.requested().isEmpty() ? List.of(1, 3, 6, 43, 60, 66, 67, 150) : q.requested();
        byte[] p = new byte[prl.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (int) prl.get(i);
        }
        o.put(OptionCatalog.PARAMETER_REQUEST_LIST, Octets.of(p));
        if (q.vendorClass() != null) {
            o.put(OptionCatalog.VENDOR_CLASS, Octets.of(q.vendorClass().getBytes(StandardCharsets.ISO_8859_1)));
        }
        if (q.userClass() != null) {
            o.put(OptionCatalog.USER_CLASS, Octets.of(q.userClass().getBytes(StandardCharsets.ISO_8859_1)));
        }
        if (q.arch() != null) {
            o.put(OptionCatalog.CLIENT_ARCH, Octets.of((byte) (q.arch() >> 8), (byte) (int) q.arch()));
        }
        if (q.circuitId() != null) {
            byte[] c = q.circuitId().getBytes(StandardCharsets.ISO_8859_1);
            byte[] agent = new byte[c.length + 2];
            agent[0] = 1;
            agent[1] = (byte) c.length;
            System.arraycopy(c, 0, agent, 2, c.length);
            o.put(OptionCatalog.RELAY_AGENT_INFO, Octets.of(agent));
        }
        String mac = q.mac() == null ? "52:54:00:00:00:01" : q.mac();
        InetAddress giaddr = DhcpMessage.ZERO;
        if (q.circuitId() != null && q.network() != null) {
            giaddr = q.network(); // option 82 comes from a relay: answer as to a relayed request
        }
        return new DhcpMessage(DhcpMessage.BOOTREQUEST, 1, 0, 0x5eed, 0, 0, DhcpMessage.ZERO, DhcpMessage.ZERO,
                DhcpMessage.ZERO, giaddr, Octets.parseHex(mac), "", "", o);
    }
}
