package org.sparetire.syslog.pipeline;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.RateLimiter;
import org.sparetire.core.time.Clock;
import org.sparetire.syslog.SyslogConfig;
import org.sparetire.syslog.codec.SyslogMessage;
import org.sparetire.syslog.codec.SyslogParser;
import org.sparetire.syslog.policy.SenderAllowlist;
import org.sparetire.syslog.store.Received;
import org.sparetire.syslog.store.SyslogCounters;

/**
 * What happens to every datagram or TCP frame, on the event loop that read it: allowlist, rate limit and
 * truncation, then the hand-off to the writer (a datagram as bytes through its socket's {@link DatagramQueue},
 * which the writer parses; a TCP frame parsed here). No I/O and no waiting here. Settings are swapped whole
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
    private final DatagramQueues udpQueues;
    private final Set<InetAddress> deniedLogged = ConcurrentHashMap.newKeySet();

    /** @param udpQueues where UDP sockets leave their datagrams for the writer, which drains the same queues */
    public Intake(SyslogConfig config, Clock clock, SyslogCounters counters, StoreWriter writer,
                  DatagramQueues udpQueues) {
        this.clock = clock;
        this.counters = counters;
        this.writer = writer;
        this.udpQueues = udpQueues;
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
        udpQueues.resize(config.queue());
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

    /** A queue for one UDP socket: {@link #admitDatagram}, then reserve, copy and commit; close it with the socket. */
    public DatagramQueue openQueue() {
        return udpQueues.open();
    }

    /**
     * Allowlist, rate limit and truncation for one datagram, which the caller then puts into its queue for the
     * writer to parse.
     *
     * @return how many of its bytes to keep, or -1 when it was denied or rate-limited (and counted)
     */
    public int admitDatagram(InetSocketAddress sender, int length) {
        return admitted(sender, length, false, true);
    }

    /** The datagram's queue was full: counted as dropped, since a UDP sender cannot be told to wait. */
    public void queueFull() {
        counters.queueFull.increment();
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
     * Allowlist, rate limit, truncation and parsing for one TCP frame.
     *
     * @param alreadyTruncated the TCP framer cut an overlong LF frame
     * @param receivedAt       from {@link #now()}, once per read: the messages one read brought share it, as
     *                         rsyslog's imudp stamps a recvmmsg batch
     * @return the message to queue, or null when it was denied or rate-limited (and counted)
     */
    public Received admit(InetSocketAddress sender, String transport, byte[] data, int off, int len,
                          boolean alreadyTruncated, boolean checkAllowlist, Instant receivedAt) {
        int kept = admitted(sender, len, alreadyTruncated, checkAllowlist);
        if (kept < 0) {
            return null;
        }
        SyslogMessage m = SyslogParser.parse(data, off, kept, receivedAt);
        byte[] raw = off == 0 && kept == data.length ? data : Arrays.copyOfRange(data, off, off + kept);
        return new Received(receivedAt, sender, transport, m, raw, alreadyTruncated || kept < len);
    }

    /** Counts the message; returns the length to keep ({@code syslog.max-message}), or -1 when it is dropped. */
    private int admitted(InetSocketAddress sender, int len, boolean alreadyTruncated, boolean checkAllowlist) {
        counters.received.increment();
        Rules r = rules;
        if (checkAllowlist && !r.allowlist.allows(sender.getAddress())) {
            denied(sender);
            return -1;
        }
        if (r.limiter != null) {
            RateLimiter.Verdict v = r.limiter.admit(sender.getAddress(), clock.nanoTime());
            if (v != RateLimiter.Verdict.PASS) {
                counters.rateLimited.increment();
                if (v == RateLimiter.Verdict.DROP_FIRST) {
                    log.warn("syslog rate limit: dropping messages from {} above {}/s (counted in rate-limited)",
                            Addresses.format(sender), r.perSecond);
                }
                return -1;
            }
        }
        int kept = Math.min(len, r.maxMessage);
        if (alreadyTruncated || kept < len) {
            counters.truncated.increment();
        }
        return kept;
    }

    private void denied(InetSocketAddress sender) {
        counters.denied.increment();
        if (deniedLogged.size() < MAX_LOGGED_DENIALS && deniedLogged.add(sender.getAddress())) {
            log.warn("syslog: ignoring {} (not in syslog.allow)", Addresses.format(sender));
        }
    }
}
