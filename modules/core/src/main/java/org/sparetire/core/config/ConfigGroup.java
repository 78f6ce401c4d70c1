package org.sparetire.core.config;

/**
 * A record that groups some keys of its section for the code, while the file keeps them flat: printed
 * from the record (a config assembled in code), its components appear as keys of the enclosing section.
 */
public interface ConfigGroup {
}
