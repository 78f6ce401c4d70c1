package org.sparetire.core.time;

import java.time.Instant;

/**
 * The only source of time for protocol logic. Sessions, lease tables and rotation policies take a
 * Clock so that retransmits and expiry are tested by advancing a manual clock instead of sleeping.
 */
public interface Clock {

    /** Wall-clock time, for timestamps that people read and for lease expiry that survives restarts. */
    Instant now();

    /** Monotonic nanoseconds, for deadlines and durations that must not jump with NTP. */
    long nanoTime();

    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
