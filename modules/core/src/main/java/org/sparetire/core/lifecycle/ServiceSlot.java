package org.sparetire.core.lifecycle;

import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.SectionKey;

/**
 * How the manager builds one service: which config section it takes, when it is enabled, and how to
 * construct it. Only the application module creates slots, so services never learn about each other.
 */
public record ServiceSlot<C>(SectionKey<C> section, Predicate<C> enabled,
                             BiFunction<C, ServiceContext, Service<C>> factory) {

    public String name() {
        return section.name();
    }

    C sectionOf(AppConfig config) {
        return config.section(section);
    }

    boolean enabledIn(AppConfig config) {
        return enabled.test(sectionOf(config));
    }

    Service<C> create(AppConfig config, ServiceContext context) {
        return factory.apply(sectionOf(config), context);
    }
}
