package org.sparetire.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Values given on the command line ({@code --tftp-root DIR}) that replace or add keys in the file
 * before binding, so they are validated by the same rules and their errors name the flag.
 */
public final class ConfigOverrides {
    private final List<Override> overrides = new ArrayList<>();

    public static ConfigOverrides none() {
        return new ConfigOverrides();
    }

    /**
     * @param dottedKey such as {@code tftp.root}
     * @param value     the value as text, as it would be written in YAML
     * @param flag      the flag that set it, for messages
     */
    public ConfigOverrides set(String dottedKey, String value, String flag) {
        overrides.add(new Override(dottedKey, value, flag));
        return this;
    }

    List<Override> all() {
        return List.copyOf(overrides);
    }

    public boolean isEmpty() {
        return overrides.isEmpty();
    }

    record Override(String dottedKey, String value, String flag) {
    }
}
