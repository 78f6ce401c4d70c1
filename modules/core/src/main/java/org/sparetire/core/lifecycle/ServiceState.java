package org.sparetire.core.lifecycle;

/** NEW → STARTING → RUNNING → STOPPING → TERMINATED, or FAILED from STARTING or RUNNING (as Guava's Service). */
public enum ServiceState {
    NEW, STARTING, RUNNING, STOPPING, TERMINATED, FAILED
}
