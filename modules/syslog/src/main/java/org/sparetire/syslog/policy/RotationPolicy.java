package org.sparetire.syslog.policy;

import java.time.Duration;
import java.time.Instant;

/**
 * When a log file is rotated: once the next line would take it past {@code maxBytes}, or once its oldest
 * line is older than {@code maxAge}. Built in so a laptop in the field needs no logrotate.
 */
public record RotationPolicy(long maxBytes, Duration maxAge, int keep) {

    public boolean due(long currentBytes, long nextLineBytes, Instant oldestLine, Instant now) {
        if (currentBytes == 0) {
            return false; // never rotate an empty file, whatever its age or the line's size
        }
        if (maxBytes > 0 && currentBytes + nextLineBytes > maxBytes) {
            return true;
        }
        return !maxAge.isZero() && oldestLine != null && !oldestLine.plus(maxAge).isAfter(now);
    }
}
