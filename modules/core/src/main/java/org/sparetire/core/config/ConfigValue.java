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

    /** How {@link #asSecret()} values print. */
    public static final String SECRET_MASK = "********";

    private final Node node;
    private final String path;
    private final BindContext context;
    private final EffectiveValue effective;

    ConfigValue(Node node, String path, BindContext context, EffectiveValue effective) {
        this.node = node;
        this.path = path;
        this.context = context;
        this.effective = effective;
    }

    /** Notes what this value was bound to, for the effective config. */
    private <T> Optional<T> bound(Optional<T> value, java.util.function.Function<T, String> yaml) {
        value.ifPresent(v -> effective.record(yaml.apply(v)));
        return value;
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

    /**
     * Reports something that does not make the config invalid but that its reader should know, such as an
     * interface this machine does not have (yet); {@code check} prints it with the position.
     */
    public void warning(String message) {
        context.warn(position(), message);
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
            return bound(Optional.of(s.getValue()), ConfigText::scalar);
        }
        problem(path + ": expected text, found " + kind());
        return Optional.empty();
    }

    /** Text that must never be printed back (an access token): the effective config shows it masked. */
    public Optional<String> asSecret() {
        Optional<String> text = asString();
        text.ifPresent(t -> effective.record(ConfigText.scalar(SECRET_MASK)));
        return text;
    }

    public Optional<Boolean> asBoolean() {
        return bound(scalar("true or false").flatMap(s -> {
            switch (s.toLowerCase(Locale.ROOT)) {
                case "true": case "yes": case "on":
                    return Optional.of(true);
                case "false": case "no": case "off":
                    return Optional.of(false);
                default:
                    problem(path + ": expected true or false, found '" + s + "'");
                    return Optional.empty();
            }
        }), String::valueOf);
    }

    public Optional<Long> asLong(long min, long max) {
        return bound(scalar("a whole number").flatMap(s -> {
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
        }), String::valueOf);
    }

    public Optional<Integer> asInt(int min, int max) {
        return asLong(min, max).map(Long::intValue);
    }

    /** A UDP/TCP port; 0 asks the system for any free port (tests, and "don't care" setups). */
    public Optional<Integer> asPort() {
        return bound(scalar("a port number").flatMap(s -> {
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
        }), String::valueOf);
    }

    /** {@code 100us}, {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}; a bare number means seconds. */
    public Optional<Duration> asDuration() {
        return bound(scalar("a duration such as 30s").flatMap(s -> {
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
        }), ConfigText::duration);
    }

    /**
     * {@code 512}, {@code 64KiB}, {@code 10MiB}, {@code 2G}: K/M/G/T are binary multiples. {@code 64MB} is
     * refused with a suggestion, because a reader of the file would take it for 64,000,000 bytes.
     */
    public Optional<Long> asSize() {
        return bound(scalar("a size such as 10MiB").flatMap(s -> {
            Matcher m = SIZE.matcher(s);
            if (!m.matches()) {
                problem(path + ": expected a size such as 512, 64KiB, 10MiB or 2GiB, found '" + s + "'");
                return Optional.empty();
            }
            String unit = m.group(2) == null ? "b" : m.group(2);
            if (unit.length() == 2 && Character.toLowerCase(unit.charAt(1)) == 'b') {
                String binary = m.group(1) + Character.toUpperCase(unit.charAt(0)) + "iB";
                problem(path + ": '" + s + "' is ambiguous: sizes here are binary, did you mean '" + binary
                        + "'? (or give the bytes)");
                return Optional.empty();
            }
            int shift = switch (unit.substring(0, 1).toLowerCase(Locale.ROOT)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                case "t" -> 40;
                default -> 0;
            };
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                problem(path + ": size too large: '" + s + "'");
                return Optional.empty();
            }
            return Optional.of(n << shift);
        }), ConfigText::size);
    }

    public Optional<InetAddress> asAddress() {
        return bound(scalar("an IP address").flatMap(s -> {
            try {
                return Optional.of(Addresses.parseNumeric(s));
            } catch (IllegalArgumentException e) {
                problem(path + ": " + e.getMessage());
                return Optional.empty();
            }
        }), ConfigText::address);
    }

    public Optional<Cidr> asCidr() {
        return bound(scalar("a network such as 192.168.1.0/24").flatMap(s -> {
            try {
                return Optional.of(Cidr.parse(s));
            } catch (IllegalArgumentException e) {
                problem(path + ": " + e.getMessage());
                return Optional.empty();
            }
        }), ConfigText::cidr);
    }

    public Optional<Pattern> asRegex() {
        return bound(scalar("a regular expression").flatMap(s -> {
            try {
                return Optional.of(Pattern.compile(s));
            } catch (PatternSyntaxException e) {
                problem(path + ": invalid regular expression: " + e.getDescription());
                return Optional.empty();
            }
        }), p -> ConfigText.scalar(p.pattern()));
    }

    /** A choice among an enum's constants, written in lower case with dashes ({@code refuse-existing}). */
    public <E extends Enum<E>> Optional<E> asChoice(Class<E> type) {
        return bound(scalar("one of " + choices(type)).flatMap(s -> {
            for (E e : type.getEnumConstants()) {
                if (yamlName(e).equalsIgnoreCase(s)) {
                    return Optional.of(e);
                }
            }
            List<String> names = Arrays.stream(type.getEnumConstants()).map(ConfigValue::yamlName).toList();
            String hint = Suggestions.closest(s, names).map(n -> " (did you mean '" + n + "'?)").orElse("");
            problem(path + ": expected one of " + choices(type) + ", found '" + s + "'" + hint);
            return Optional.empty();
        }), ConfigValue::yamlName);
    }

    static String yamlName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static <E extends Enum<E>> String choices(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(ConfigValue::yamlName).collect(Collectors.joining(", "));
    }

    /** A path, resolved against the config file's folder. */
    public Optional<Path> asPath() {
        return bound(scalar("a path").map(s -> context.resolve(node, s)), p -> ConfigText.scalar(p.toString()));
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
        List<ConfigValue> items = new ArrayList<>();
        if (node instanceof SequenceNode seq) {
            List<Node> values = seq.getValue();
            for (int i = 0; i < values.size(); i++) {
                items.add(new ConfigValue(values.get(i), path + "[" + i + "]", context, EffectiveValue.written(values.get(i))));
            }
        } else if (node instanceof ScalarNode s && !isNull(s)) {
            items.add(new ConfigValue(node, path, context, EffectiveValue.written(node)));
        } else if (!(node instanceof ScalarNode)) {
            problem(path + ": expected a list, found a mapping");
            return List.of();
        }
        effective.items(items.stream().map(i -> i.effective).toList());
        return items;
    }

    public Optional<ConfigMapping> asMapping() {
        if (node instanceof MappingNode m) {
            return bound(Optional.of(new ConfigMapping(m, path, context, position())));
        }
        if (node instanceof ScalarNode s && isNull(s)) {
            return bound(Optional.of(ConfigMapping.absent(path, context, position())));
        }
        problem(path + ": expected a mapping of keys, found " + kind());
        return Optional.empty();
    }

    private Optional<ConfigMapping> bound(Optional<ConfigMapping> mapping) {
        mapping.ifPresent(effective::mapping);
        return mapping;
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag().getValue().endsWith(":null");
    }
}
