package org.sparetire.dhcp.codec;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One BOOTP/DHCP message (RFC 2131 section 2, figure 1). Options are kept in wire order, already
 * reassembled (RFC 3396 concatenation, RFC 2132 section 9.3 overload), keyed by code.
 *
 * <pre>
 *  0       op | htype | hlen | hops
 *  4       xid (4)
 *  8       secs (2) | flags (2)
 *  12      ciaddr  16 yiaddr  20 siaddr  24 giaddr
 *  28      chaddr (16)
 *  44      sname (64)
 *  108     file (128)
 *  236     magic cookie 99.130.83.99
 *  240     options: code | len | value ... 255
 * </pre>
 */
public record DhcpMessage(int op, int htype, int hops, int xid, int secs, int flags, InetAddress ciaddr,
                          InetAddress yiaddr, InetAddress siaddr, InetAddress giaddr, Octets chaddr, String sname,
                          String file, Map<Integer, Octets> options) {

    public static final int BOOTREQUEST = 1;
    public static final int BOOTREPLY = 2;
    /** RFC 2131 section 2: the leftmost bit of flags asks for a broadcast reply. */
    public static final int FLAG_BROADCAST = 0x8000;
    public static final InetAddress ZERO = ipv4(0, 0, 0, 0);

    public DhcpMessage {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        sname = sname == null ? "" : sname;
        file = file == null ? "" : file;
        if (chaddr.length() > 16) {
            throw new IllegalArgumentException("chaddr longer than 16 bytes");
        }
    }

    public static InetAddress ipv4(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean isZero(InetAddress a) {
        return a == null || a.isAnyLocalAddress();
    }

    public Optional<Octets> option(int code) {
        return Optional.ofNullable(options.get(code));
    }

    /** Option 53, or empty for plain BOOTP and for types this server does not know. */
    public Optional<MessageType> type() {
        Octets t = options.get(OptionCatalog.MESSAGE_TYPE);
        return t == null || t.length() != 1 ? Optional.empty() : Optional.ofNullable(MessageType.of(t.get(0)));
    }

    public boolean broadcastFlag() {
        return (flags & FLAG_BROADCAST) != 0;
    }

    /** The client hardware address as {@code 52:54:00:12:34:56}. */
    public String mac() {
        return chaddr.colonHex();
    }

    /**
     * RFC 2131 section 4.2: option 61 identifies the client when present, else htype + chaddr. An option 61
     * that is just htype + chaddr (RFC 2132 section 9.14's usual form, sent by udhcpc but not by dhclient)
     * names the same client as the bare hardware address, so both kinds of client keep one lease per NIC.
     */
    public String clientKey() {
        String hw = "hw:" + Character.forDigit((htype >> 4) & 0xf, 16) + Character.forDigit(htype & 0xf, 16) + ":"
                + chaddr.hex();
        Octets id = options.get(OptionCatalog.CLIENT_ID);
        if (id != null && id.length() > 0) {
            if (id.length() == chaddr.length() + 1 && id.get(0) == htype
                    && id.hex().substring(2).equals(chaddr.hex())) {
                return hw;
            }
            return "id:" + id.hex();
        }
        return hw;
    }

    public Optional<InetAddress> addressOption(int code) {
        Octets v = options.get(code);
        if (v == null || v.length() != 4) {
            return Optional.empty();
        }
        return Optional.of(ipv4(v.get(0), v.get(1), v.get(2), v.get(3)));
    }

    public Optional<String> textOption(int code) {
        return option(code).map(Octets::text);
    }

    /** Option 55 in the client's order. */
    public List<Integer> parameterRequestList() {
        Octets v = options.get(OptionCatalog.PARAMETER_REQUEST_LIST);
        List<Integer> out = new ArrayList<>();
        if (v != null) {
            for (int i = 0; i < v.length(); i++) {
                out.add(v.get(i));
            }
        }
        return out;
    }

    /** Option 57 when it is valid (RFC 2132 section 9.10: at least 576), else empty. */
    public Optional<Integer> maxMessageSize() {
        Octets v = options.get(OptionCatalog.MAX_MESSAGE_SIZE);
        if (v == null || v.length() != 2) {
            return Optional.empty();
        }
        int size = v.get(0) << 8 | v.get(1);
        return size >= 576 ? Optional.of(size) : Optional.empty();
    }

    /** Option 93 (RFC 4578 section 2.1): a list of 16-bit architecture types; usually one. */
    public List<Integer> architectures() {
        Octets v = options.get(OptionCatalog.CLIENT_ARCH);
        List<Integer> out = new ArrayList<>();
        if (v != null) {
            for (int i = 0; i + 1 < v.length(); i += 2) {
                out.add(v.get(i) << 8 | v.get(i + 1));
            }
        }
        return out;
    }

    /**
     * Option 77 as its classes. RFC 3004 says length-prefixed items, but iPXE and many clients send plain
     * text ("iPXE"); a payload that does not parse as length-prefixed items is taken as one item.
     */
    public List<String> userClasses() {
        Octets v = options.get(OptionCatalog.USER_CLASS);
        if (v == null || v.length() == 0) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        int i = 0;
        while (i < v.length()) {
            int len = v.get(i);
            if (len == 0 || i + 1 + len > v.length()) {
                return List.of(v.text());
            }
            items.add(Octets.of(v.toByteArray(), i + 1, len).text());
            i += 1 + len;
        }
        return items;
    }

    /** Option 82 sub-option 1 (RFC 3046 section 2.0), the relay's circuit id. */
    public Optional<Octets> circuitId() {
        return relaySubOption(1);
    }

    public Optional<Octets> relaySubOption(int sub) {
        Octets v = options.get(OptionCatalog.RELAY_AGENT_INFO);
        if (v == null) {
            return Optional.empty();
        }
        int i = 0;
        while (i + 1 < v.length()) {
            int code = v.get(i);
            int len = v.get(i + 1);
            if (i + 2 + len > v.length()) {
                return Optional.empty();
            }
            if (code == sub) {
                return Optional.of(Octets.of(v.toByteArray(), i + 2, len));
            }
            i += 2 + len;
        }
        return Optional.empty();
    }

    public boolean relayed() {
        return !isZero(giaddr);
    }

    public static boolean isIpv4(InetAddress a) {
        return a instanceof Inet4Address;
    }
}
