package org.sparetire.dhcp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sparetire.core.config.ConfigMapping;
import org.sparetire.core.config.ConfigValue;
import org.sparetire.dhcp.DhcpConfig.OptionSetting;
import org.sparetire.dhcp.codec.Octets;
import org.sparetire.dhcp.codec.OptionCatalog;
import org.sparetire.dhcp.codec.OptionType;
import org.sparetire.dhcp.codec.OptionValue;

/**
 * Binds an {@code options:} mapping (of a subnet, a reservation or a boot class) into typed option
 * settings, reporting every problem at its file:line:col.
 */
final class DhcpOptionBinder {
    private DhcpOptionBinder() {
    }

    /**
     * {@code options:} maps a catalog name or a number to a value. Catalog options take a plain value of
     * their type; any option may instead take a one-key mapping naming the type:
     * {@code {ip: ...}, {text: ...}, {hex: ...}, {u8|u16|u32: ...}, {sub-options: [{code: 1, text: ...}]}}.
     */
    static List<OptionSetting> options(ConfigMapping parent) {
        List<OptionSetting> out = new ArrayList<>();
        ConfigMapping opts = parent.mapping("options");
        Map<Integer, String> seen = new HashMap<>();
        for (String key : opts.keys()) {
            Optional<OptionCatalog.Entry> entry = OptionCatalog.lookup(key);
            int code;
            String name;
            if (entry.isPresent()) {
                code = entry.get().code();
                name = entry.get().name();
            } else if (key.trim().matches("\\d{1,3}")) {
                code = Integer.parseInt(key.trim());
                name = "option-" + code;
            } else {
                String hint = org.sparetire.core.config.Suggestions.closest(key, iterable())
                        .map(n -> " (did you mean '" + n + "'?)").orElse("");
                opts.problem(key, "unknown option name '" + key + "'; use a number 1-254 with a typed value" + hint);
                continue;
            }
            if (code < 1 || code > 254 || code == OptionCatalog.OVERLOAD || code == OptionCatalog.MESSAGE_TYPE) {
                opts.problem(key, "option " + code + " cannot be configured (1-254, and 52/53 belong to the protocol)");
                continue;
            }
            String dup = seen.putIfAbsent(code, key);
            if (dup != null) {
                opts.problem(key, "option " + code + " is already set as '" + dup + "'");
                continue;
            }
            ConfigValue v = opts.value(key).orElse(null);
            if (v == null) {
                opts.problem(key, "needs a value");
                continue;
            }
            OptionType type = entry.map(OptionCatalog.Entry::type).orElse(null);
            typedValue(v, type).ifPresent(val -> out.add(new OptionSetting(name, code, val)));
        }
        return out;
    }

    private static List<String> iterable() {
        List<String> names = new ArrayList<>();
        OptionCatalog.names().forEach(names::add);
        return names;
    }

    private static Optional<OptionValue> typedValue(ConfigValue v, OptionType catalogType) {
        if (v.isMapping()) {
            ConfigMapping m = v.asMapping().orElseThrow();
            List<String> keys = m.keys();
            if (keys.size() != 1) {
                v.problem(v.path() + ": give exactly one of ip, text, hex, u8, u16, u32, sub-options");
                return Optional.empty();
            }
            String typeKey = keys.get(0);
            OptionType type = valueType(typeKey);
            if (type == null) {
                m.problem(typeKey, "unknown value type '" + typeKey + "' (ip, text, hex, u8, u16, u32, sub-options)");
                return Optional.empty();
            }
            return convert(m.value(typeKey).orElse(null), type, v);
        }
        if (catalogType == null) {
            v.problem(v.path() + ": options without a name need a typed value such as {text: ...} or {hex: 01:02}");
            return Optional.empty();
        }
        return convert(v, catalogType, v);
    }

    private static Optional<OptionValue> convert(ConfigValue v, OptionType type, ConfigValue where) {
        if (v == null) {
            where.problem(where.path() + ": needs a value");
            return Optional.empty();
        }
        try {
            switch (type) {
                case IP_LIST: {
                    List<InetAddress> list = new ArrayList<>();
                    for (ConfigValue item : v.asList()) {
                        Optional<InetAddress> a = item.asAddress();
                        if (a.isEmpty()) {
                            return Optional.empty();
                        }
                        list.add(a.get());
                    }
                    return Optional.of(new OptionValue.IpList(list));
                }
                case TEXT:
                    return v.asString().map(OptionValue.Text::new);
                case HEX:
                    return v.asString().map(s -> new OptionValue.Hex(Octets.parseHex(s)));
                case U8:
                    return v.asInt(0, 255).map(OptionValue.U8::new);
                case U16:
                    return v.asInt(0, 65535).map(OptionValue.U16::new);
                case U32:
                    return v.asLong(0, 0xffffffffL).map(OptionValue.U32::new);
                case SUB_OPTIONS: {
                    if (!v.isSequence()) {
                        v.problem(v.path() + ": expected a list of sub-options such as [{code: 6, u8: 8}]");
                        return Optional.empty();
                    }
                    List<OptionValue.SubOption> subs = new ArrayList<>();
                    for (ConfigValue item : v.asList()) {
                        Optional<ConfigMapping> sm = item.asMapping();
                        if (sm.isEmpty()) {
                            continue;
                        }
                        ConfigMapping s = sm.get();
                        int code = s.integer("code", -1, 1, 254);
                        List<String> typeKeys = new ArrayList<>();
                        for (String k : s.keys()) {
                            if (!k.equals("code")) {
                                typeKeys.add(k);
                            }
                        }
                        if (!s.has("code") || typeKeys.size() != 1) {
                            s.problem("a sub-option needs a code and exactly one typed value, e.g. {code: 2, text: x}");
                            continue;
                        }
                        String tk = typeKeys.get(0);
                        OptionType st = valueType(tk);
                        st = st == OptionType.SUB_OPTIONS ? null : st; // option 43 sub-options do not nest
                        if (st == null) {
                            s.problem(tk, "unknown sub-option type '" + tk + "' (ip, text, hex, u8, u16, u32)");
                            continue;
                        }
                        if (code < 0) {
                            continue;
                        }
                        Optional<OptionValue> sv = convert(s.value(tk).orElse(null), st, item);
                        sv.ifPresent(x -> subs.add(new OptionValue.SubOption(code, x)));
                    }
                    OptionValue.SubOptions result = new OptionValue.SubOptions(subs);
                    result.encode(); // sub-options longer than 255 bytes fail here, at the option's position
                    return Optional.of(result);
                }
                default:
                    return Optional.empty();
            }
        } catch (IllegalArgumentException e) {
            where.problem(where.path() + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The option value type a YAML key names ({@code ip: [...]}, {@code u16: 1500}), or null. */
    private static OptionType valueType(String key) {
        return switch (key) {
            case "ip" -> OptionType.IP_LIST;
            case "text" -> OptionType.TEXT;
            case "hex" -> OptionType.HEX;
            case "u8" -> OptionType.U8;
            case "u16" -> OptionType.U16;
            case "u32" -> OptionType.U32;
            case "sub-options" -> OptionType.SUB_OPTIONS;
            default -> null;
        };
    }
}
