package org.sparetire.core.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.Cidr;

/**
 * Values written the way the config file writes them ({@code 5s}, {@code 64MiB}), for the effective
 * config and for log lines, which should read like the file a person edits rather than {@code PT5S}.
 */
public final class ConfigText {
    private static final String[] BINARY_UNITS = {"TiB", "GiB", "MiB", "KiB"};
    private static final Set<String> NULL_WORDS = Set.of("", "~", "null", "Null", "NULL");

    private ConfigText() {
    }

    /** {@code 250us}, {@code 1500ms}, {@code 5s}, {@code 10m}, {@code 1h}, {@code 7d}: the largest unit that is exact. */
    public static String duration(Duration d) {
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

    /** {@code 64MiB} when exact in a binary unit, else plain bytes. */
    public static String size(long bytes) {
        for (int i = 0; i < BINARY_UNITS.length; i++) {
            int shift = 10 * (BINARY_UNITS.length - i);
            if (bytes > 0 && bytes % (1L << shift) == 0) {
                return (bytes >> shift) + BINARY_UNITS[i];
            }
        }
        return Long.toString(bytes);
    }

    /** An address as people write it ({@code ::}, not {@code 0:0:0:0:0:0:0:0}), quoted where YAML needs it. */
    static String address(InetAddress a) {
        return scalar(Addresses.text(a));
    }

    static String cidr(Cidr c) {
        return scalar(Addresses.text(c.network()) + "/" + c.prefixLength());
    }

    /**
     * Text as a YAML scalar that reads back as the same text: plain when that is safe, else double-quoted.
     * Anything with a colon is quoted ({@code "::/0"}, MAC addresses), as is anything YAML reads as null.
     */
    static String scalar(String s) {
        if (NULL_WORDS.contains(s) || !s.matches("[A-Za-z0-9_./+\\-]+( [A-Za-z0-9_./+\\-]+)*")
                || s.startsWith("-") && !s.matches("-[0-9.]+")) {
            StringBuilder quoted = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> quoted.append("\\\"");
                    case '\\' -> quoted.append("\\\\");
                    case '\n' -> quoted.append("\\n");
                    case '\t' -> quoted.append("\\t");
                    case '\r' -> quoted.append("\\r");
                    default -> {
                        if (c < 0x20) {
                            quoted.append(String.format("\\x%02x", (int) c));
                        } else {
                            quoted.append(c);
                        }
                    }
                }
            }
            return quoted.append('"').toString();
        }
        return s;
    }
}
