package org.sparetire.syslog.codec;

import java.time.Instant;

/**
 * Text that neither parser understood (netconsole output without a priority, binary noise, an out-of-range
 * priority): kept whole so nothing a failing device says is lost.
 */
public record RawMessage(int facility, int severity, String message) implements SyslogMessage {

    public static RawMessage of(String text) {
        return new RawMessage(-1, -1, text);
    }

    @Override
    public Instant timestamp() {
        return null;
    }

    @Override
    public String hostname() {
        return null;
    }

    @Override
    public String app() {
        return null;
    }

    @Override
    public String procId() {
        return null;
    }
}
