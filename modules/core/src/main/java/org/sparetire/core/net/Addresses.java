package org.sparetire.core.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Numeric address parsing and printing that never touches DNS. */
public final class Addresses {
    private Addresses() {
    }

    /** Parses a literal IPv4 or IPv6 address; throws IllegalArgumentException for anything else. */
    public static InetAddress parseNumeric(String text) {
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        boolean ipv4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean ipv6 = s.contains(":") && s.matches("[0-9A-Fa-f:.%a-zA-Z0-9]+");
        if (!ipv4 && !ipv6) {
            throw new IllegalArgumentException("not a numeric IP address: '" + text + "'");
        }
        if (ipv4) {
            for (String part : s.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
                }
            }
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not a numeric IP address: '" + text + "'");
        }
    }

    /** An IPv4 address as an unsigned 32-bit number, for range arithmetic (pools, ordering). */
    public static long ipv4ToLong(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + address);
        }
        return ((long) (b[0] & 0xff) << 24) | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** The IPv4 address for the low 32 bits of {@code value}. */
    public static InetAddress ipv4FromLong(long value) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8),
                    (byte) value});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    /** {@code 192.0.2.1:69} or {@code [2001:db8::1]:69}, for logs. */
    public static String format(InetSocketAddress address) {
        InetAddress a = address.getAddress();
        if (a == null) {
            return address.getHostString() + ":" + address.getPort();
        }
        String host = text(a);
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /**
     * The address as people write it: IPv6 in RFC 5952 form ({@code ::}, {@code fe80::1%eth0}) instead of
     * Java's {@code 0:0:0:0:0:0:0:0}.
     */
    public static String text(InetAddress address) {
        String full = address.getHostAddress();
        if (!(address instanceof java.net.Inet6Address)) {
            return full;
        }
        String scope = "";
        int percent = full.indexOf('%');
        if (percent >= 0) {
            scope = full.substring(percent);
            full = full.substring(0, percent);
        }
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
        }
        if (bestStart < 0) {
            return full + scope;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail + scope;
    }
}
