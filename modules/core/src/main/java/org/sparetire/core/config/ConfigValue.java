package org.sparetire.core.config;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.Cidr;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * One YAML value with its position. Every {@code as…} method either returns the converted value or
 * reports a problem at this value's position and returns {@link Optional#empty()}, so the caller can
 * fall back to a default and keep binding.
 */
public final class ConfigValue {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(us|ms|s|m|h|d)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kKmMgGtT]i?[bB]?|[bB])?");

    private final Node node;
    private final String path;
    private final BindContext context;

    ConfigValue(Node node, String path, BindContext context) {
        this.node = node;
        this.path = path;
        this.context = context;
    }

    /** The dotted key path, such as {@code tftp.port}, for messages. */
    public String path() {
        return path;
    }

    public Position position() {
        return context.positionOf(node);
    }

    /** Reports a problem at this value's position. */
    public void problem(String message) {
        context.report(position(), message);
    }

    public boolean isScalar() {
        return node instanceof ScalarNode;
    }

    public boolean isSequence() {
        return node instanceof SequenceNode;
    }

    public boolean isMapping() {
        return node instanceof MappingNode;
    }

    Node node() {
        return node;
    }

    private String kind() {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }

    private Optional<String> scalar(String expected) {
        if (node instanceof ScalarNode s) {
            return Optional.of(s.getValue().trim());
        }
        problem(path + ": expected " + expected + ", found " + kind());
        return Optional.empty();
    }

    public Optional<String> asString() {
        if (node instanceof ScalarNode s) {
            return Optional.of(s.getValue());
        }
        problem(path + ": expected text, found " + kind());
        return Optional.empty();
    }

    public Optional<Boolean> asBoolean() {
        return scalar("true or false").flatMap(s -> {
            switch (s.toLowerCase(Locale.ROOT)) {
                case "true": case "yes": case "on":
                    return Optional.of(true);
                case "false": case "no": case "off":
                    return Optional.of(false);
                default:
                    problem(path + ": expected true or false, found '" + s + "'");
                    return Optional.empty();
            }
        });
    }

    public Optional<Long> asLong(long min, long max) {
        return scalar("a whole number").flatMap(s -> {
            long v;
            try {
                v = s.startsWith("0x") || s.startsWith("0X") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
            } catch (NumberFormatException e) {
                problem(path + ": expected a whole number, found '" + s + "'");
                return Optional.empty();
            }
            if (v < min || v > max) {
                problem(path + ": must be between " + min + " and " + max + ", got " + v);
                return Optional.empty();
            }
            return Optional.of(v);
        });
    }

    public Optional<Integer> asInt(int min, int max) {
        return asLong(min, max).map(Long::intValue);
    }

    /** A UDP/TCP port; 0 asks the system for any free port (tests, and "don't care" setups). */
    public Optional<Integer> asPort() {
        return scalar("a port number").flatMap(s -> {
            int v;
            try {
                v = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                problem(path + ": expected a port number, found '" + s + "'");
                return Optional.empty();
            }
            if (v < 0 || v > 65535) {
                problem(path + ": port must be between 0 and 65535, got " + v);
                return Optional.empty();
            }
            return Optional.of(v);
        });
    }

    /** {@code 100us}, {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}; a bare number means seconds. */
    public Optional<Duration> asDuration() {
        return scalar("a duration such as 30s").flatMap(s -> {
            Matcher m = DURATION.matcher(s);
            if (!m.matches()) {
                problem(path + ": expected a duration such as 100us, 500ms, 30s, 5m, 2h or 7d, found '" + s + "'");
                return Optional.empty();
            }
            String unit = m.group(2) == null ? "s" : m.group(2);
            try {
                long n = Long.parseLong(m.group(1));
                return Optional.of(switch (unit) {
                    case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofSeconds(n);
                });
            } catch (ArithmeticException | NumberFormatException e) {
                problem(path + ": duration too long: '" + s + "'");
                return Optional.empty();
            }
        });
    }

    /** {@code 512}, {@code 64KiB}, {@code 10MB}, {@code 2G}: K/M/G/T are binary multiples either way. */
    public Optional<Long> asSize() {
        return scalar("a size such as 10MiB").flatMap(s -> {
            Matcher m = SIZE.matcher(s);
            if (!m.matches()) {
                problem(path + ": expected a size such as 512, 64KiB, 10MiB or 2GiB, found '" + s + "'");
                return Optional.empty();
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "b" : m.group(2).substring(0, 1).toLowerCase(Locale.ROOT);
            int shift = switch (unit) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                case "t" -> 40;
                default -> 0;
            };
            return Optional.of(n << shift);
        });
    }

    public Optional<InetAddress> asAddress() {
        return scalar("an IP address").flatMap(s -> {
            try {
                return Optional.of(Addresses.parseNumeric(s));
            } catch (IllegalArgumentException e) {
                problem(path + ": " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    public Optional<Cidr> asCidr() {
        return scalar("a network such as 192.168.1.0/24").flatMap(s -> {
            try {
                return Optional.of(Cidr.parse(s));
            } catch (IllegalArgumentException e) {
                problem(path + ": " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    public Optional<Pattern> asRegex() {
        return scalar("a regular expression").flatMap(s -> {
            try {
                return Optional.of(Pattern.compile(s));
            } catch (PatternSyntaxException e) {
                problem(path + ": invalid regular expression: " + e.getDescription());
                return Optional.empty();
            }
        });
    }

    /** A choice among an enum's constants, written in lower case with dashes ({@code refuse-existing}). */
    public <E extends Enum<E>> Optional<E> asChoice(Class<E> type) {
        return scalar("one of " + choices(type)).flatMap(s -> {
            for (E e : type.getEnumConstants()) {
                if (yamlName(e).equalsIgnoreCase(s)) {
                    return Optional.of(e);
                }
            }
            List<String> names = Arrays.stream(type.getEnumConstants()).map(ConfigValue::yamlName).toList();
            String hint = Suggestions.closest(s, names).map(n -> " (did you mean '" + n + "'?)").orElse("");
            problem(path + ": expected one of " + choices(type) + ", found '" + s + "'" + hint);
            return Optional.empty();
        });
    }

    static String yamlName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static <E extends Enum<E>> String choices(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(ConfigValue::yamlName).collect(Collectors.joining(", "));
    }

    /** A path, resolved against the config file's folder. */
    public Optional<Path> asPath() {
        return scalar("a path").map(s -> context.resolve(node, s));
    }

    public Optional<Path> asExistingDirectory() {
        return asPath().filter(p -> {
            if (!Files.isDirectory(p)) {
                problem(path + ": " + (Files.exists(p) ? "not a directory: " : "directory does not exist: ") + p);
                return false;
            }
            return true;
        });
    }

    public Optional<Path> asReadableFile() {
        return asPath().filter(p -> {
            if (!Files.isRegularFile(p)) {
                problem(path + ": file does not exist: " + p);
                return false;
            }
            if (!Files.isReadable(p)) {
                problem(path + ": file is not readable: " + p);
                return false;
            }
            return true;
        });
    }

    /** A list's items; a single scalar counts as a list of one, as people write {@code dns: 10.0.0.1}. */
    public List<ConfigValue> asList() {
        if (node instanceof SequenceNode seq) {
            List<ConfigValue> items = new ArrayList<>();
            List<Node> values = seq.getValue();
            for (int i = 0; i < values.size(); i++) {
                items.add(new ConfigValue(values.get(i), path + "[" + i + "]", context));
            }
            return items;
        }
        if (node instanceof ScalarNode s && isNull(s)) {
            return List.of();
        }
        if (node instanceof ScalarNode) {
            return List.of(this);
        }
        problem(path + ": expected a list, found a mapping");
        return List.of();
    }

    public Optional<ConfigMapping> asMapping() {
        if (node instanceof MappingNode m) {
            return Optional.of(new ConfigMapping(m, path, context, position()));
        }
        if (node instanceof ScalarNode s && isNull(s)) {
            return Optional.of(ConfigMapping.absent(path, context, position()));
        }
        problem(path + ": expected a mapping of keys, found " + kind());
        return Optional.empty();
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag().getValue().endsWith(":null");
    }
}
