package org.sparetire.syslog.store;

import java.util.concurrent.atomic.LongAdder;

/** What the collector did, for health() and the dashboard; LongAdders because several event loops count. */
public final class SyslogCounters {
    public final LongAdder received = new LongAdder();
    public final LongAdder filed = new LongAdder();
    public final LongAdder truncated = new LongAdder();
    public final LongAdder denied = new LongAdder();
    public final LongAdder rateLimited = new LongAdder();
    public final LongAdder queueFull = new LongAdder();
    public final LongAdder diskLost = new LongAdder();
    public final LongAdder framingErrors = new LongAdder();
    public final LongAdder connectionsRefused = new LongAdder();
    public final LongAdder forwarded = new LongAdder();
    public final LongAdder forwardDropped = new LongAdder();
    /** Files found ending inside a line when opened (the previous run was killed mid-write). */
    public final LongAdder tornLines = new LongAdder();

    public String summary() {
        return "received=" + received.sum() + " filed=" + filed.sum() + " truncated=" + truncated.sum()
                + " denied=" + denied.sum() + " rate-limited=" + rateLimited.sum() + " queue-full=" + queueFull.sum()
                + " disk-lost=" + diskLost.sum() + " framing-errors=" + framingErrors.sum()
                + " tcp-refused=" + connectionsRefused.sum() + " forwarded=" + forwarded.sum()
                + " forward-dropped=" + forwardDropped.sum() + " torn-lines=" + tornLines.sum();
    }
}
