package org.sparetire.core.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One validated, immutable config: the appliance's own settings plus one record per service section.
 * A service is handed only its own section, through {@link #section(SectionKey)}.
 *
 * @param source  what the config was read from, for messages ({@code conf/sparetire.yaml})
 * @param baseDir   the folder relative paths were resolved against
 * @param effective every setting as bound, in the file's own keys and notation (YAML that reads back to
 *                  this config); null for a config assembled in code rather than read
 * @param warnings  what the file's reader should know although the config is valid, by position
 */
public record AppConfig(String source, Path baseDir, CoreSettings core, Map<String, Object> sections, String effective,
                        List<ConfigProblem> warnings) {

    public AppConfig {
        sections = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sections));
        warnings = List.copyOf(warnings);
    }

    public AppConfig(String source, Path baseDir, CoreSettings core, Map<String, Object> sections) {
        this(source, baseDir, core, sections, null, List.of());
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
