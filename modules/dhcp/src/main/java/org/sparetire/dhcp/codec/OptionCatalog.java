package org.sparetire.dhcp.codec;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Names and value types of the options people configure, so a config may say {@code tftp-server: 10.0.0.5}
 * instead of {@code 66: "10.0.0.5"}. Codes from RFC 2132 unless noted; any other code is accepted by number
 * with an explicit type.
 */
public final class OptionCatalog {
    public static final int PAD = 0;
    public static final int SUBNET_MASK = 1;
    public static final int ROUTER = 3;
    public static final int DNS = 6;
    public static final int HOSTNAME = 12;
    public static final int DOMAIN_NAME = 15;
    public static final int BROADCAST = 28;
    public static final int NTP = 42;
    public static final int VENDOR_SPECIFIC = 43;
    public static final int REQUESTED_ADDRESS = 50;
    public static final int LEASE_TIME = 51;
    /** RFC 2132 section 9.3: 1 = file holds options, 2 = sname holds options, 3 = both. */
    public static final int OVERLOAD = 52;
    public static final int MESSAGE_TYPE = 53;
    public static final int SERVER_ID = 54;
    public static final int PARAMETER_REQUEST_LIST = 55;
    public static final int MESSAGE = 56;
    public static final int MAX_MESSAGE_SIZE = 57;
    public static final int RENEWAL_TIME = 58;
    public static final int REBINDING_TIME = 59;
    public static final int VENDOR_CLASS = 60;
    public static final int CLIENT_ID = 61;
    public static final int TFTP_SERVER_NAME = 66;
    public static final int BOOTFILE_NAME = 67;
    public static final int USER_CLASS = 77;
    /** RFC 3046 relay agent information. */
    public static final int RELAY_AGENT_INFO = 82;
    /** RFC 4578 client system architecture. */
    public static final int CLIENT_ARCH = 93;
    public static final int CLIENT_NDI = 94;
    public static final int CLIENT_UUID = 97;
    /** RFC 5859 TFTP server address (Cisco option 150). */
    public static final int TFTP_SERVER_ADDRESS = 150;
    public static final int END = 255;

    public record Entry(String name, int code, OptionType type) {
    }

    private static final Map<String, Entry> BY_NAME = new LinkedHashMap<>();
    private static final Map<Integer, Entry> BY_CODE = new LinkedHashMap<>();

    static {
        add("subnet-mask", SUBNET_MASK, OptionType.IP_LIST);
        add("time-offset", 2, OptionType.U32);
        add("router", ROUTER, OptionType.IP_LIST);
        add("time-server", 4, OptionType.IP_LIST);
        add("dns", DNS, OptionType.IP_LIST);
        add("log-server", 7, OptionType.IP_LIST);
        add("hostname", HOSTNAME, OptionType.TEXT);
        add("domain-name", DOMAIN_NAME, OptionType.TEXT);
        add("root-path", 17, OptionType.TEXT);
        add("interface-mtu", 26, OptionType.U16);
        add("broadcast-address", BROADCAST, OptionType.IP_LIST);
        add("static-route", 33, OptionType.IP_LIST);
        add("nis-domain", 40, OptionType.TEXT);
        add("ntp", NTP, OptionType.IP_LIST);
        add("vendor-specific", VENDOR_SPECIFIC, OptionType.SUB_OPTIONS);
        add("netbios-name-server", 44, OptionType.IP_LIST);
        add("lease-time", LEASE_TIME, OptionType.U32);
        add("message-type", MESSAGE_TYPE, OptionType.U8);
        add("server-identifier", SERVER_ID, OptionType.IP_LIST);
        add("parameter-request-list", PARAMETER_REQUEST_LIST, OptionType.HEX);
        add("max-message-size", MAX_MESSAGE_SIZE, OptionType.U16);
        add("relay-agent-info", RELAY_AGENT_INFO, OptionType.HEX);
        add("requested-address", REQUESTED_ADDRESS, OptionType.IP_LIST);
        add("message", MESSAGE, OptionType.TEXT);
        add("renewal-time", RENEWAL_TIME, OptionType.U32);
        add("rebinding-time", REBINDING_TIME, OptionType.U32);
        add("vendor-class", VENDOR_CLASS, OptionType.TEXT);
        add("client-id", CLIENT_ID, OptionType.HEX);
        add("tftp-server-name", TFTP_SERVER_NAME, OptionType.TEXT);
        add("bootfile-name", BOOTFILE_NAME, OptionType.TEXT);
        add("smtp-server", 69, OptionType.IP_LIST);
        add("user-class", USER_CLASS, OptionType.HEX);
        add("client-arch", CLIENT_ARCH, OptionType.U16);
        add("domain-search", 119, OptionType.HEX);
        add("classless-static-route", 121, OptionType.HEX);
        add("polycom-boot-server", 160, OptionType.TEXT);
        add("tftp-server-address", TFTP_SERVER_ADDRESS, OptionType.IP_LIST);
        add("pxelinux-config-file", 209, OptionType.TEXT);
        add("pxelinux-path-prefix", 210, OptionType.TEXT);
    }

    private OptionCatalog() {
    }

    private static void add(String name, int code, OptionType type) {
        Entry e = new Entry(name, code, type);
        BY_NAME.put(name, e);
        BY_CODE.put(code, e);
    }

    /** By name ({@code tftp-server-name}) or by number ({@code 66}). */
    public static Optional<Entry> lookup(String nameOrCode) {
        String key = nameOrCode.trim().toLowerCase(Locale.ROOT);
        if (key.matches("\\d{1,3}")) {
            int code = Integer.parseInt(key);
            return Optional.ofNullable(BY_CODE.get(code));
        }
        return Optional.ofNullable(BY_NAME.get(key));
    }

    public static Optional<Entry> byCode(int code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }

    public static Iterable<String> names() {
        return BY_NAME.keySet();
    }

    /** A name for logs: the catalog name, or {@code option-N}. */
    public static String nameOf(int code) {
        Entry e = BY_CODE.get(code);
        return e == null ? "option-" + code : e.name();
    }

    /** Renders received bytes using the catalog type, falling back to hex. */
    public static String render(int code, Octets value) {
        Entry e = BY_CODE.get(code);
        OptionType type = e == null ? OptionType.HEX : e.type();
        try {
            return switch (type) {
                case IP_LIST -> value.length() % 4 == 0 && value.length() > 0 ? ipList(value) : value.colonHex();
                case TEXT -> "\"" + value.text() + "\"";
                case U8 -> value.length() == 1 ? Integer.toString(value.get(0)) : value.colonHex();
                case U16 -> value.length() == 2 ? Integer.toString(value.get(0) << 8 | value.get(1)) : value.colonHex();
                case U32 -> value.length() == 4
                        ? Long.toString(((long) value.get(0) << 24) | value.get(1) << 16 | value.get(2) << 8 | value.get(3))
                        : value.colonHex();
                default -> value.colonHex();
            };
        } catch (RuntimeException ex) {
            return value.colonHex();
        }
    }

    private static String ipList(Octets v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length(); i += 4) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(v.get(i)).append('.').append(v.get(i + 1)).append('.').append(v.get(i + 2)).append('.').append(v.get(i + 3));
        }
        return sb.toString();
    }
}
