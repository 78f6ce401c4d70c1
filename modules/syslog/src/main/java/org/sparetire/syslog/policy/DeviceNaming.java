package org.sparetire.syslog.policy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;
import org.sparetire.syslog.SyslogConfig.DeviceFiles;

/**
 * The file name (without {@code .log}) a message is filed under. By sender address by default: a device
 * that has not set its hostname yet (the usual state of one that is failing to boot) still gets its own
 * file. Names are safe on every file system a technician's laptop may have.
 */
public final class DeviceNaming {
    /** The combined file's name; a device with this name is filed as {@code host-all}. */
    public static final String COMBINED = "all";
    private static final int MAX_NAME = 64;

    private DeviceNaming() {
    }

    /** @return the name, or null when per-device files are off */
    public static String name(DeviceFiles mode, InetAddress sender, String hostname) {
        return switch (mode) {
            case NONE -> null;
            case HOSTNAME -> hostname == null || hostname.isBlank() || hostname.equals("-") ? address(sender)
                    : sanitize(hostname.toLowerCase(Locale.ROOT));
            case ADDRESS -> address(sender);
        };
    }

    public static String address(InetAddress sender) {
        // ':' is not allowed in Windows file names.
        return printable(sender).replace(':', '_');
    }

    /** 192.0.2.1, or an IPv6 address in its short RFC 5952 form without zone: what people type and grep. */
    public static String printable(InetAddress address) {
        return address instanceof Inet6Address ? compress(address.getAddress()) : address.getHostAddress();
    }

    static String sanitize(String name) {
        StringBuilder sb = new StringBuilder(Math.min(name.length(), MAX_NAME));
        for (int i = 0; i < name.length() && sb.length() < MAX_NAME; i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.';
            sb.append(ok ? c : '_');
        }
        String s = sb.toString();
        if (s.startsWith(".")) {
            s = "_" + s.substring(1); // no hidden files, no ".."
        }
        return s.equals(COMBINED) ? "host-" + s : s;
    }

    private static String compress(byte[] a) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = (a[2 * i] & 0xff) << 8 | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(words[i]));
        }
        return sb.toString();
    }
}
