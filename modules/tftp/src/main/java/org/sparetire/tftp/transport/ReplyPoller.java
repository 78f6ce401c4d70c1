package org.sparetire.tftp.transport;

import org.sparetire.core.net.runtime.ReplyPolling;

/**
 * Whether the event loop polls for one transfer's next packet instead of sleeping ({@link ReplyPolling}).
 * It pays when few transfers run and the send was one block or a small window, so that the round trip is
 * mostly wake-up latency and the peer's own copy, and when this peer's last answer came within the
 * polling budget. A peer that answers slowly costs no polling, apart from one probe every
 * {@value #PROBE_EVERY} sends. Measurements in docs/benchmarks.md (TFTP).
 */
final class ReplyPoller {
    /**
     * A window up to this size is answered within a wake-up's time by a fast peer; a bigger one keeps the
     * peer busy for longer and polling then costs more than it saves. A lockstep block is polled for
     * whatever its size: the peer answers as soon as it has written it.
     */
    static final int MAX_WINDOW_BYTES = 16 * 1024;
    /** A polling loop keeps a core busy: with more transfers than half the cores the loops have work anyway. */
    private static final int TRANSFERS_MAX = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    /** Every this many sends, poll even after a slow reply: the peer may have become fast again. */
    private static final int PROBE_EVERY = 64;

    private final long budgetNanos;
    private final TransferListener server;
    private long lastSend;
    /** From the end of our last send to the peer's next packet; 0 until measured, so the first send polls. */
    private long replyLatency;
    private int sendsSinceProbe;

    /**
     * @param budgetNanos how long to poll (0: never)
     * @param server      asked how many transfers run, only when the rest says polling pays
     */
    ReplyPoller(long budgetNanos, TransferListener server) {
        this.budgetNanos = budgetNanos;
        this.server = server;
    }

    /** A packet from the peer arrived at {@code now}. */
    void replied(long now) {
        replyLatency = now - lastSend;
    }

    void sent(long now) {
        lastSend = now;
    }

    /** After a send that expects an answer: lets the loop poll for it when that pays. */
    void expectReply(int sentBlocks, long sentBytes) {
        if (budgetNanos == 0 || !quickReplyLikely(sentBlocks, sentBytes) || server.running() > TRANSFERS_MAX) {
            return;
        }
        if (replyLatency <= budgetNanos || ++sendsSinceProbe >= PROBE_EVERY) {
            sendsSinceProbe = 0;
            ReplyPolling.expectReplyWithin(budgetNanos);
        }
    }

    /** One block of any size (or none: an OACK, an ACK), or a window of at most 16 KiB. */
    static boolean quickReplyLikely(int sentBlocks, long sentBytes) {
        return sentBlocks <= 1 || sentBytes <= MAX_WINDOW_BYTES;
    }
}
