package org.sparetire.core.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.sparetire.core.net.Cidr;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A YAML mapping being bound into a record. Typed getters take a default that applies when the key is
 * absent or its value is wrong (the problem is reported either way). Every key read counts as known;
 * after binding, keys nobody read are reported as unknown with a "did you mean" suggestion.
 */
public final class ConfigMapping {
    private final String path;
    private final BindContext context;
    private final Position position;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Set<String> known = new HashSet<>();
    private final Map<String, EffectiveValue> effective = new LinkedHashMap<>();

    ConfigMapping(MappingNode node, String path, BindContext context, Position position) {
        this.path = path;
        this.context = context;
        this.position = position;
        for (NodeTuple tuple : node.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode keyScalar)) {
                context.report(context.positionOf(keyNode), where() + "keys must be plain names");
                continue;
            }
            String key = keyScalar.getValue();
            Entry previous = entries.get(key);
            if (previous != null) {
                context.report(context.positionOf(keyNode), where() + "duplicate key '" + key
                        + "' (first given at line " + context.positionOf(previous.keyNode).line() + ")");
                continue;
            }
            entries.put(key, new Entry(keyNode, tuple.getValueNode()));
        }
        context.track(this);
    }

    static ConfigMapping absent(String path, BindContext context, Position position) {
        return new ConfigMapping(new MappingNode(org.yaml.snakeyaml.nodes.Tag.MAP, List.of(),
                org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK), path,
                context, position);
    }

    private String where() {
        return path.isEmpty() ? "" : path + ": ";
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The dotted path of this mapping, such as {@code dhcp.subnets[0]}. */
    public String path() {
        return path;
    }

    /** Where this mapping starts (or, when absent from the file, where its parent is). */
    public Position position() {
        return position;
    }

    public boolean has(String key) {
        known.add(key);
        Entry e = entries.get(key);
        return e != null && !ConfigValue.isNull(e.valueNode);
    }

    /** The raw value, or empty when the key is absent or null. */
    public Optional<ConfigValue> value(String key) {
        known.add(key);
        Entry e = entries.get(key);
        if (e == null || ConfigValue.isNull(e.valueNode)) {
            return Optional.empty();
        }
        EffectiveValue bound = EffectiveValue.written(e.valueNode);
        effective.put(key, bound);
        return Optional.of(new ConfigValue(e.valueNode, child(key), context, bound));
    }

    /** Every key in file order, all counted as known: for maps whose keys are data (option names, hosts). */
    public List<String> keys() {
        known.addAll(entries.keySet());
        return List.copyOf(entries.keySet());
    }

    /** Position of a key's value, or of this mapping when the key is absent. */
    public Position positionOf(String key) {
        Entry e = entries.get(key);
        return e == null ? position : context.positionOf(e.valueNode);
    }

    /** Reports a problem at the key's value (or at this mapping when the key is absent). */
    public void problem(String key, String message) {
        context.report(positionOf(key), child(key) + ": " + message);
    }

    /** Reports a problem about the mapping as a whole. */
    public void problem(String message) {
        context.report(position, where() + message);
    }

    /** The converted value, or the default (which the effective config then shows, in the file's notation). */
    private <T> T get(String key, T defaultValue, Function<ConfigValue, Optional<T>> convert, Function<T, String> yaml) {
        Optional<T> converted = value(key).flatMap(convert);
        if (converted.isPresent()) {
            return converted.get();
        }
        effective.put(key, defaultValue == null ? EffectiveValue.unset() : EffectiveValue.scalar(yaml.apply(defaultValue)));
        return defaultValue;
    }

    /** An optional value; when absent the effective config shows the key as not set. */
    private <T> Optional<T> optional(String key, Function<ConfigValue, Optional<T>> convert) {
        Optional<ConfigValue> v = value(key);
        if (v.isEmpty()) {
            effective.put(key, EffectiveValue.unset());
        }
        return v.flatMap(convert);
    }

    public String string(String key, String defaultValue) {
        return get(key, defaultValue, ConfigValue::asString, ConfigText::scalar);
    }

    public Optional<String> optionalString(String key) {
        return optional(key, ConfigValue::asString);
    }

    /** An optional secret: read like text, printed masked in the effective config. */
    public Optional<String> optionalSecret(String key) {
        return optional(key, ConfigValue::asSecret);
    }

    public boolean bool(String key, boolean defaultValue) {
        return get(key, defaultValue, ConfigValue::asBoolean, String::valueOf);
    }

    public int integer(String key, int defaultValue, int min, int max) {
        return get(key, defaultValue, v -> v.asInt(min, max), String::valueOf);
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        return get(key, defaultValue, v -> v.asLong(min, max), String::valueOf);
    }

    public int port(String key, int defaultValue) {
        return get(key, defaultValue, ConfigValue::asPort, String::valueOf);
    }

    public Duration duration(String key, Duration defaultValue) {
        return get(key, defaultValue, ConfigValue::asDuration, ConfigText::duration);
    }

    public long size(String key, long defaultValue) {
        return get(key, defaultValue, ConfigValue::asSize, ConfigText::size);
    }

    public InetAddress address(String key, InetAddress defaultValue) {
        return get(key, defaultValue, ConfigValue::asAddress, ConfigText::address);
    }

    public Optional<InetAddress> optionalAddress(String key) {
        return optional(key, ConfigValue::asAddress);
    }

    public List<InetAddress> addresses(String key) {
        return list(key, ConfigValue::asAddress);
    }

    public List<Cidr> cidrs(String key, List<Cidr> defaultValue) {
        if (has(key)) {
            return list(key, ConfigValue::asCidr);
        }
        effective.put(key, EffectiveValue.list(defaultValue.stream().map(ConfigText::cidr).toList()));
        return defaultValue;
    }

    public <E extends Enum<E>> E choice(String key, Class<E> type, E defaultValue) {
        return get(key, defaultValue, v -> v.asChoice(type), ConfigValue::yamlName);
    }

    /** A path resolved against the config file's folder. */
    public Path path(String key, String defaultValue) {
        return get(key, defaultValue == null ? null : context.resolve(null, defaultValue), ConfigValue::asPath, p -> ConfigText.scalar(p.toString()));
    }

    public Optional<Path> optionalPath(String key) {
        return optional(key, ConfigValue::asPath);
    }

    public List<String> strings(String key) {
        return list(key, ConfigValue::asString);
    }

    /**
     * Notes the value a binder chose for a key it read with {@link #value(String)} and found absent, so
     * that the effective config shows it ({@code port-range: any}); {@code yaml} is written as given.
     */
    public void defaultShown(String key, String yaml) {
        if (!effective.containsKey(key)) {
            effective.put(key, EffectiveValue.scalar(yaml));
        }
    }

    /** A list whose items convert one by one; bad items are reported and left out. */
    public <T> List<T> list(String key, Function<ConfigValue, Optional<T>> convert) {
        List<T> result = new ArrayList<>();
        Optional<ConfigValue> value = value(key);
        if (value.isEmpty()) {
            effective.put(key, EffectiveValue.list(List.of()));
        }
        value.ifPresent(v -> v.asList().forEach(item -> convert.apply(item).ifPresent(result::add)));
        return List.copyOf(result);
    }

    /** A nested mapping; an absent key gives an empty mapping, so nested defaults apply. */
    public ConfigMapping mapping(String key) {
        return value(key).flatMap(ConfigValue::asMapping).orElseGet(() -> {
            ConfigMapping absent = absent(child(key), context, positionOf(key));
            effective.put(key, EffectiveValue.of(absent));
            return absent;
        });
    }

    /** A list of mappings, such as subnets or remap rules. */
    public List<ConfigMapping> mappings(String key) {
        return list(key, ConfigValue::asMapping);
    }

    /** What each key read so far was bound to, in the order the binder read them. */
    Map<String, EffectiveValue> effective() {
        return java.util.Collections.unmodifiableMap(effective);
    }

    void reportUnknownKeys() {
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            String key = e.getKey();
            if (known.contains(key)) {
                continue;
            }
            String hint = Suggestions.closest(key, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
            context.report(context.positionOf(e.getValue().keyNode), "unknown key '" + child(key) + "'" + hint);
        }
    }

    private record Entry(Node keyNode, Node valueNode) {
    }
}
