package org.sparetire.syslog.store;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.time.Clock;
import org.sparetire.syslog.SyslogConfig;
import org.sparetire.syslog.codec.SyslogMessage;
import org.sparetire.syslog.codec.SyslogParser;
import org.sparetire.syslog.policy.RateLimiter;
import org.sparetire.syslog.policy.SenderAllowlist;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to every datagram or TCP frame, on the event loop that read it: allowlist, rate limit,
 * truncation, parse, and hand-off to the writer. No I/O and no waiting here. Settings are swapped whole
 * on reload, so a message sees either the old rules or the new ones, never a mix.
 */
public final class Intake {
    private static final Logger log = LoggerFactory.getLogger(Intake.class);
    private static final int MAX_LOGGED_DENIALS = 64;

    private record Rules(SenderAllowlist allowlist, RateLimiter limiter, int maxMessage, int perSecond) {
    }

    private final Clock clock;
    private final SyslogCounters counters;
    private volatile Rules rules;
    private volatile StoreWriter writer;
    private final Set<InetAddress> deniedLogged = ConcurrentHashMap.newKeySet();

    public Intake(SyslogConfig config, Clock clock, SyslogCounters counters, StoreWriter writer) {
        this.clock = clock;
        this.counters = counters;
        this.writer = writer;
        apply(config);
    }

    /** New allowlist, rate limit and size limit; the rate limiter starts afresh only when its rate changed. */
    public void apply(SyslogConfig config) {
        Rules old = rules;
        RateLimiter limiter = !config.rateLimit().enabled() ? null
                : old != null && old.limiter != null && old.perSecond == config.rateLimit().perSecond() ? old.limiter
                : new RateLimiter(config.rateLimit().perSecond(), config.rateLimit().burst(), 65_536);
        rules = new Rules(new SenderAllowlist(config.allow()), limiter, config.maxMessage(),
                config.rateLimit().perSecond());
        deniedLogged.clear();
    }

    public void writer(StoreWriter writer) {
        this.writer = writer;
    }

    /** The receive time for what one read brought (a burst of datagrams, the frames of one TCP read). */
    public Instant now() {
        return clock.now();
    }

    /** For TCP: refuse the connection outright rather than read and discard its frames. */
    public boolean allows(InetSocketAddress sender) {
        boolean ok = rules.allowlist.allows(sender.getAddress());
        if (!ok) {
            denied(sender);
        }
        return ok;
    }

    /**
     * One datagram: admitted, parsed and queued, or dropped and counted (a full queue included: a UDP
     * sender cannot be told to wait).
     *
     * @return false when it was dropped (denied, rate-limited, queue full)
     */
    public boolean accept(InetSocketAddress sender, String transport, byte[] data, int off, int len,
                          boolean alreadyTruncated, boolean checkAllowlist) {
        Received r = admit(sender, transport, data, off, len, alreadyTruncated, checkAllowlist, clock.now());
        return r != null && writer.offer(r);
    }

    /** A burst of datagrams read in one wakeup: queued together, what does not fit is dropped and counted. */
    public void queue(java.util.List<Received> batch) {
        writer.offerBatch(batch);
    }

    /** For TCP: how many messages the writer takes from a stream now. */
    public int room() {
        return writer.streamRoom();
    }

    /** For TCP, after {@link #room()}: queues without dropping. */
    public void put(java.util.List<Received> batch) {
        writer.put(batch);
    }

    /**
     * Allowlist, rate limit, truncation and parsing for one message: a whole datagram, or one TCP frame.
     *
     * @param alreadyTruncated the TCP framer cut an overlong LF frame
     * @param receivedAt       from {@link #now()}, once per read: the messages one read brought share it, as
     *                         rsyslog's imudp stamps a recvmmsg batch
     * @return the message to queue, or null when it was denied or rate-limited (and counted)
     */
    public Received admit(InetSocketAddress sender, String transport, byte[] data, int off, int len,
                          boolean alreadyTruncated, boolean checkAllowlist, Instant receivedAt) {
        counters.received.increment();
        Rules r = rules;
        if (checkAllowlist && !r.allowlist.allows(sender.getAddress())) {
            denied(sender);
            return null;
        }
        if (r.limiter != null) {
            RateLimiter.Verdict v = r.limiter.admit(sender.getAddress(), clock.nanoTime());
            if (v != RateLimiter.Verdict.PASS) {
                counters.rateLimited.increment();
                if (v == RateLimiter.Verdict.DROP_FIRST) {
                    log.warn("syslog rate limit: dropping messages from {} above {}/s (counted in rate-limited)",
                            Addresses.format(sender), r.perSecond);
                }
                return null;
            }
        }
        boolean truncated = alreadyTruncated;
        if (len > r.maxMessage) {
            len = r.maxMessage;
            truncated = true;
        }
        if (truncated) {
            counters.truncated.increment();
        }
        SyslogMessage m = SyslogParser.parse(data, off, len, receivedAt);
        byte[] raw = off == 0 && len == data.length ? data : Arrays.copyOfRange(data, off, off + len);
        return new Received(receivedAt, sender, transport, m, raw, truncated);
    }

    private void denied(InetSocketAddress sender) {
        counters.denied.increment();
        if (deniedLogged.size() < MAX_LOGGED_DENIALS && deniedLogged.add(sender.getAddress())) {
            log.warn("syslog: ignoring {} (not in syslog.allow)", Addresses.format(sender));
        }
    }
}
