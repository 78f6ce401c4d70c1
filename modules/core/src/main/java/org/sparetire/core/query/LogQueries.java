package org.sparetire.core.query;

/** What the log collector answers to the rest of the appliance; reads counters, never waits. */
public interface LogQueries {

    /** Messages lost since start: over a sender's rate, with the queue full, or to a full disk. */
    long dropped();
}
