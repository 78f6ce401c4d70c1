package org.sparetire.core.lifecycle;

/**
 * NEW → STARTING → RUNNING → STOPPING → TERMINATED, or FAILED from STARTING or RUNNING (as Guava's Service).
 * DISABLED is a slot the config in force leaves off: nothing ended, nothing was ever asked to run.
 */
public enum ServiceState {
    NEW, STARTING, RUNNING, STOPPING, TERMINATED, FAILED, DISABLED
}
