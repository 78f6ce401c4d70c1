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

    /**
     * The counters in words for the dashboard's card: what came in and was filed, then only the losses and
     * refusals that happened ("12 received, 12 filed, 3 over the rate limit").
     */
    public String describe() {
        StringBuilder s = new StringBuilder().append(received.sum()).append(" received, ").append(filed.sum()).append(" filed");
        counted(s, truncated.sum(), "cut at max-message");
        counted(s, denied.sum(), "from senders not allowed");
        counted(s, rateLimited.sum(), "over the rate limit");
        counted(s, queueFull.sum(), "lost to a full queue");
        counted(s, diskLost.sum(), "lost to the disk");
        counted(s, framingErrors.sum(), "TCP framing errors");
        counted(s, connectionsRefused.sum(), "TCP connections refused");
        counted(s, forwarded.sum(), "forwarded");
        counted(s, forwardDropped.sum(), "not forwarded (upstream queue full)");
        counted(s, tornLines.sum(), "torn lines ended");
        return s.toString();
    }

    private static void counted(StringBuilder s, long n, String what) {
        if (n > 0) {
            s.append(", ").append(n).append(' ').append(what);
        }
    }

    public String summary() {
        return "received=" + received.sum() + " filed=" + filed.sum() + " truncated=" + truncated.sum()
                + " denied=" + denied.sum() + " rate-limited=" + rateLimited.sum() + " queue-full=" + queueFull.sum()
                + " disk-lost=" + diskLost.sum() + " framing-errors=" + framingErrors.sum()
                + " tcp-refused=" + connectionsRefused.sum() + " forwarded=" + forwarded.sum()
                + " forward-dropped=" + forwardDropped.sum() + " torn-lines=" + tornLines.sum();
    }
}
