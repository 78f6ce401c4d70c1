package org.sparetire.core.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One validated, immutable config: the appliance's own settings plus one record per service section.
 * A service is handed only its own section, through {@link #section(SectionKey)}.
 *
 * @param source  what the config was read from, for messages ({@code conf/sparetire.yaml})
 * @param baseDir the folder relative paths were resolved against
 */
public record AppConfig(String source, Path baseDir, CoreSettings core, Map<String, Object> sections) {

    public AppConfig {
        sections = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sections));
    }

    public <T> T section(SectionKey<T> key) {
        Object value = sections.get(key.name());
        if (value == null) {
            throw new IllegalArgumentException("no section '" + key.name() + "' was bound");
        }
        @SuppressWarnings("unchecked")
        T typed = (T) value;
        return typed;
    }
}
