package org.sparetire.core.config;

import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Prints an {@link AppConfig} as YAML, defaults filled in, for {@code sparetire check}. A config read from
 * a file prints what its binders recorded, key by key in the file's own notation, so the output is itself
 * a valid config that reads back the same. A config assembled in code (quick DHCP mode) has no such
 * record and is printed from its section records by reflection.
 */
public final class ConfigPrinter {
    private ConfigPrinter() {
    }

    public static String print(AppConfig config) {
        StringBuilder out = new StringBuilder();
        out.append("# effective configuration from ").append(config.source()).append('\n');
        out.append("# relative paths resolved against ").append(config.baseDir()).append('\n');
        if (config.effective() != null) {
            return out.append(config.effective()).toString();
        }
        CoreSettings core = config.core();
        out.append("logging:\n");
        line(out, 1, "level", core.logLevel());
        line(out, 1, "file", core.logFile());
        out.append("lifecycle:\n");
        line(out, 1, "shutdown-grace", core.shutdownGrace());
        line(out, 1, "io-transport", core.ioTransport());
        for (Map.Entry<String, Object> e : config.sections().entrySet()) {
            line(out, 0, e.getKey(), e.getValue());
        }
        return out.toString();
    }

    /** The effective config recorded while binding, as YAML. */
    static String render(ConfigMapping root) {
        StringBuilder out = new StringBuilder();
        mapping(out, 0, root);
        return out.toString();
    }

    private static void mapping(StringBuilder out, int depth, ConfigMapping m) {
        String indent = "  ".repeat(depth);
        for (Map.Entry<String, EffectiveValue> e : m.effective().entrySet()) {
            String key = ConfigText.scalar(e.getKey());
            EffectiveValue v = e.getValue();
            if (v.isUnset()) {
                out.append(indent).append("# ").append(key).append(": (not set)\n");
            } else if (v.mapping() != null) {
                if (v.mapping().effective().isEmpty()) {
                    out.append(indent).append(key).append(": {}\n");
                } else {
                    out.append(indent).append(key).append(":\n");
                    mapping(out, depth + 1, v.mapping());
                }
            } else if (v.items() != null && v.items().stream().anyMatch(i -> i.mapping() != null || i.items() != null)) {
                out.append(indent).append(key).append(":\n");
                for (EffectiveValue item : v.items()) {
                    if (item.mapping() != null) {
                        StringBuilder nested = new StringBuilder();
                        mapping(nested, depth + 2, item.mapping());
                        String text = nested.length() == 0 ? "{}\n" : nested.substring(2 * (depth + 2));
                        out.append(indent).append("  - ").append(text);
                    } else {
                        out.append(indent).append("  - ").append(flow(item)).append('\n');
                    }
                }
            } else {
                out.append(indent).append(key).append(": ").append(flow(v)).append('\n');
            }
        }
    }

    /** A value on one line: a scalar, a flow list, or the node as written. */
    private static String flow(EffectiveValue v) {
        if (v.scalar() != null) {
            return v.scalar();
        }
        if (v.items() != null) {
            StringBuilder s = new StringBuilder("[");
            for (EffectiveValue item : v.items()) {
                s.append(s.length() > 1 ? ", " : "").append(flow(item));
            }
            return s.append(']').toString();
        }
        if (v.mapping() != null) {
            StringBuilder s = new StringBuilder("{");
            v.mapping().effective().forEach((k, item) -> {
                if (!item.isUnset()) {
                    s.append(s.length() > 1 ? ", " : "").append(ConfigText.scalar(k)).append(": ").append(flow(item));
                }
            });
            return s.append('}').toString();
        }
        return v.written() == null ? "null" : written(v.written());
    }

    /** A node nobody converted, as the file had it. */
    private static String written(org.yaml.snakeyaml.nodes.Node node) {
        if (node instanceof org.yaml.snakeyaml.nodes.ScalarNode s) {
            return ConfigValue.isNull(s) ? "null" : ConfigText.scalar(s.getValue());
        }
        if (node instanceof org.yaml.snakeyaml.nodes.SequenceNode seq) {
            return seq.getValue().stream().map(ConfigPrinter::written)
                    .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        }
        return ((org.yaml.snakeyaml.nodes.MappingNode) node).getValue().stream()
                .map(t -> written(t.getKeyNode()) + ": " + written(t.getValueNode()))
                .collect(java.util.stream.Collectors.joining(", ", "{", "}"));
    }

    private static void line(StringBuilder out, int depth, String key, Object value) {
        String indent = "  ".repeat(depth);
        Object v = unwrap(value);
        if (v instanceof ConfigGroup && v instanceof Record r) {
            record(out, depth, r);
        } else if (v instanceof Record r) {
            out.append(indent).append(key).append(":\n");
            record(out, depth + 1, r);
        } else if (v instanceof Map<?, ?> map && !map.isEmpty()) {
            out.append(indent).append(key).append(":\n");
            map.forEach((k, item) -> line(out, depth + 1, String.valueOf(k), item));
        } else if (v instanceof Collection<?> list && !list.isEmpty()) {
            out.append(indent).append(key).append(":\n");
            for (Object item : list) {
                Object u = unwrap(item);
                if (u instanceof Record r) {
                    StringBuilder nested = new StringBuilder();
                    record(nested, depth + 2, r);
                    String text = nested.toString();
                    String nestedIndent = "  ".repeat(depth + 2);
                    out.append(indent).append("  - ").append(text.substring(nestedIndent.length()));
                } else {
                    out.append(indent).append("  - ").append(scalar(u)).append('\n');
                }
            }
        } else {
            out.append(indent).append(key).append(": ").append(scalar(v)).append('\n');
        }
    }

    private static void record(StringBuilder out, int depth, Record r) {
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            try {
                c.getAccessor().setAccessible(true);
                line(out, depth, kebab(c.getName()), c.getAccessor().invoke(r));
            } catch (ReflectiveOperationException e) {
                line(out, depth, kebab(c.getName()), "<unreadable>");
            }
        }
    }

    private static Object unwrap(Object value) {
        return value instanceof Optional<?> o ? o.orElse(null) : value;
    }

    static String scalar(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Collection<?> || v instanceof Map<?, ?>) {
            return v instanceof Map<?, ?> ? "{}" : "[]";
        }
        if (v instanceof Enum<?> e) {
            return ConfigValue.yamlName(e);
        }
        if (v instanceof Duration d) {
            return duration(d);
        }
        if (v instanceof InetAddress a) {
            return a.getHostAddress();
        }
        if (v instanceof Path || v instanceof Pattern) {
            return quoteIfNeeded(v.toString());
        }
        if (v instanceof String s) {
            return quoteIfNeeded(s);
        }
        return quoteIfNeeded(String.valueOf(v));
    }

    private static String duration(Duration d) {
        return ConfigText.duration(d);
    }

    private static String quoteIfNeeded(String s) {
        if (s.isEmpty() || !s.matches("[A-Za-z0-9_./:@+\\-]+( [A-Za-z0-9_./:@+\\-]+)*")) {
            return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
        return s;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
