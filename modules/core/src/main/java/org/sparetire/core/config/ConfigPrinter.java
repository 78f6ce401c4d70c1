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
 * Prints an {@link AppConfig} as YAML, defaults filled in, for {@code sparetire check}. Works on any
 * section record by reflection, so a service adding a setting never has to teach the printer.
 */
public final class ConfigPrinter {
    private ConfigPrinter() {
    }

    public static String print(AppConfig config) {
        StringBuilder out = new StringBuilder();
        out.append("# effective configuration from ").append(config.source()).append('\n');
        out.append("# relative paths resolved against ").append(config.baseDir()).append('\n');
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

    private static void line(StringBuilder out, int depth, String key, Object value) {
        String indent = "  ".repeat(depth);
        Object v = unwrap(value);
        if (v instanceof Record r) {
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
        if (d.toNanos() % 1_000_000 != 0 && d.compareTo(Duration.ofSeconds(1)) < 0) {
            return d.toNanos() / 1000 + "us";
        }
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
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
