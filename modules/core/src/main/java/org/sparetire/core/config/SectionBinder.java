package org.sparetire.core.config;

/**
 * Turns one top-level section of the YAML file into its immutable record. Binders read every key they
 * know (whatever other keys say), report problems on the mapping instead of throwing, and return a
 * usable record with defaults where a value was wrong, so that one pass reports every problem.
 * Keys the binder did not read are reported as unknown, with a suggestion.
 */
@FunctionalInterface
public interface SectionBinder<T> {
    T bind(ConfigMapping section);
}
