package org.sparetire.core.lifecycle;

import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.SectionKey;

/**
 * How the manager builds one service: which settings it takes, when it is enabled, and how to construct
 * it. Only the application module creates slots, so services never learn about each other.
 *
 * @param settings picks the service's settings out of a whole config: usually its own section; a
 *                 service that is a second transport of another section's files reads that section too.
 *                 The manager reconfigures the service whenever the picked value changes (by equals).
 */
public record ServiceSlot<C>(String name, Function<AppConfig, C> settings, Predicate<C> enabled,
                             BiFunction<C, ServiceContext, Service<C>> factory) {

    /** A service built from one section. */
    public ServiceSlot(SectionKey<C> section, Predicate<C> enabled, BiFunction<C, ServiceContext, Service<C>> factory) {
        this(section.name(), config -> config.section(section), enabled, factory);
    }

    C sectionOf(AppConfig config) {
        return settings.apply(config);
    }

    boolean enabledIn(AppConfig config) {
        return enabled.test(sectionOf(config));
    }

    Service<C> create(AppConfig config, ServiceContext context) {
        return factory.apply(sectionOf(config), context);
    }
}
