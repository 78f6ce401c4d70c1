package org.sparetire.core.config;

import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/**
 * What one key was bound to, kept during binding so that {@code check} prints the effective config in
 * the file's own keys and notation (not the records' field names), which reads back to the same config.
 * A conversion records its result; a default records itself; a value nobody converted prints as written.
 */
final class EffectiveValue {
    private Node written;
    private String scalar;
    private List<EffectiveValue> items;
    private ConfigMapping mapping;
    private boolean unset;

    static EffectiveValue written(Node node) {
        EffectiveValue v = new EffectiveValue();
        v.written = node;
        return v;
    }

    static EffectiveValue scalar(String yaml) {
        EffectiveValue v = new EffectiveValue();
        v.record(yaml);
        return v;
    }

    static EffectiveValue unset() {
        EffectiveValue v = new EffectiveValue();
        v.unset = true;
        return v;
    }

    static EffectiveValue list(List<String> yamlItems) {
        EffectiveValue v = new EffectiveValue();
        v.items = new ArrayList<>();
        yamlItems.forEach(s -> v.items.add(scalar(s)));
        return v;
    }

    static EffectiveValue of(ConfigMapping mapping) {
        EffectiveValue v = new EffectiveValue();
        v.mapping = mapping;
        return v;
    }

    /** The value as converted, in YAML; null means the key is unset. */
    void record(String yaml) {
        if (yaml == null) {
            unset = true;
            return;
        }
        scalar = yaml;
        items = null;
        mapping = null;
    }

    void items(List<EffectiveValue> values) {
        items = values;
        scalar = null;
        mapping = null;
    }

    void mapping(ConfigMapping m) {
        mapping = m;
        scalar = null;
        items = null;
    }

    Node written() {
        return written;
    }

    String scalar() {
        return scalar;
    }

    List<EffectiveValue> items() {
        return items;
    }

    ConfigMapping mapping() {
        return mapping;
    }

    boolean isUnset() {
        return unset && scalar == null && items == null && mapping == null;
    }
}
