package org.sparetire.dhcp.support;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.Cidr;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.codec.OptionCatalog;
import org.sparetire.dhcp.codec.Octets;
import org.sparetire.dhcp.lease.Ingress;

/** Builds client requests the way real clients lay them out, for responder and policy tests. */
public final class Requests {
    private int xid = 0x1000;
    private int flags;
    private InetAddress ciaddr = DhcpMessage.ZERO;
    private InetAddress giaddr = DhcpMessage.ZERO;
    private Octets chaddr = Octets.parseHex("52:54:00:00:00:01");
    private final Map<Integer, Octets> options = new LinkedHashMap<>();

    public static Requests of(MessageType type) {
        Requests r = new Requests();
        r.options.put(OptionCatalog.MESSAGE_TYPE, Octets.of((byte) type.code()));
        return r;
    }

    public static InetAddress ip(String s) {
        return Addresses.parseNumeric(s);
    }

    public static Ingress ingress(String serverCidr) {
        String address = serverCidr.substring(0, serverCidr.indexOf('/'));
        return new Ingress("veth0", ip(address), Cidr.parse(serverCidr), new InetSocketAddress(ip("0.0.0.0"), 68), false);
    }

    public Requests mac(String mac) {
        chaddr = Octets.parseHex(mac);
        return this;
    }

    public Requests xid(int v) {
        xid = v;
        return this;
    }

    public Requests broadcast() {
        flags |= DhcpMessage.FLAG_BROADCAST;
        return this;
    }

    public Requests ciaddr(String a) {
        ciaddr = ip(a);
        return this;
    }

    public Requests giaddr(String a) {
        giaddr = ip(a);
        return this;
    }

    public Requests option(int code, Octets value) {
        options.put(code, value);
        return this;
    }

    public Requests text(int code, String value) {
        return option(code, Octets.of(value.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
    }

    public Requests address(int code, String a) {
        return option(code, Octets.of(ip(a).getAddress()));
    }

    public Requests requested(String a) {
        return address(OptionCatalog.REQUESTED_ADDRESS, a);
    }

    public Requests serverId(String a) {
        return address(OptionCatalog.SERVER_ID, a);
    }

    public Requests clientId(String hex) {
        return option(OptionCatalog.CLIENT_ID, Octets.parseHex(hex));
    }

    public Requests prl(int... codes) {
        byte[] b = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) {
            b[i] = (byte) codes[i];
        }
        return option(OptionCatalog.PARAMETER_REQUEST_LIST, Octets.of(b));
    }

    public Requests arch(int arch) {
        return option(OptionCatalog.CLIENT_ARCH, Octets.of((byte) (arch >> 8), (byte) arch));
    }

    public DhcpMessage build() {
        return new DhcpMessage(DhcpMessage.BOOTREQUEST, 1, 0, xid, 0, flags, ciaddr, DhcpMessage.ZERO, DhcpMessage.ZERO,
                giaddr, chaddr, "", "", options);
    }
}
