package org.sparetire.web.store;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.event.TransferProgress;
import org.sparetire.core.event.TransferStarted;

/**
 * The transfers the dashboard shows: the live ones by id and the last finished ones, both bounded, and the
 * totals over every transfer that finished since start.
 */
final class TransferBoard {
    /** A transfer that sent no progress for this long lost its finish event (service stopped): drop it. */
    static final Duration STALE = Duration.ofMinutes(10);
    /** Live transfers tracked at most; TFTP servers rarely run more than a few hundred at once. */
    static final int MAX_ACTIVE = 2048;

    private final LinkedHashMap<Long, TransferView> active = new LinkedHashMap<>();
    private final BoundedLog<TransferView> finished;
    private final Map<TransferOutcome, Long> byOutcome = new EnumMap<>(TransferOutcome.class);
    private long bytesSent;
    private long bytesReceived;
    private long retransmits;

    TransferBoard(int finishedKept) {
        finished = new BoundedLog<>(finishedKept);
    }

    TransferView started(TransferStarted e, String mac) {
        TransferView v = new TransferView(e.transferId(), e.peer(), mac, e.direction(), e.file(), e.mode(), e.options(),
                e.expectedBytes(), 0, 0, e.at(), e.at(), null, "", e.at(), null);
        active.put(e.transferId(), v);
        while (active.size() > MAX_ACTIVE) {
            Iterator<Long> it = active.keySet().iterator();
            it.next();
            it.remove();
        }
        return v;
    }

    /** @return the transfer as it now stands, or null when it is not live (its start was never seen) */
    TransferView progress(TransferProgress e) {
        TransferView v = active.get(e.transferId());
        if (v == null) {
            return null;
        }
        long expected = e.expectedBytes() > 0 ? e.expectedBytes() : v.expectedBytes();
        TransferView next = new TransferView(v.id(), v.peer(), v.mac(), v.direction(), v.file(), v.mode(), v.options(),
                expected, e.bytes(), e.retransmits(), v.startedAt(), e.at(), null, "",
                e.bytes() > v.bytes() ? e.at() : v.advancedAt(), null);
        active.put(e.transferId(), next);
        return next;
    }

    /** The live transfer with that id, no longer live; null when there was none. */
    TransferView end(long transferId) {
        return active.remove(transferId);
    }

    /** @param live what {@link #end} returned for it, or null */
    TransferView finished(TransferFinished e, TransferView live, String mac) {
        long expected = live != null ? live.expectedBytes() : -1;
        Instant started = live != null ? live.startedAt() : e.at().minus(e.elapsed());
        TransferView done = new TransferView(e.transferId(), e.peer(), mac, e.direction(), e.file(), e.mode(),
                e.options(), expected, e.bytes(), e.retransmits(), started, e.at(), e.outcome(), e.detail(), e.at(),
                e.savedAs() == null ? null : e.savedAs().toString());
        finished.add(done);
        byOutcome.merge(e.outcome(), 1L, Long::sum);
        switch (e.direction()) {
            case READ -> bytesSent += e.bytes();
            case WRITE -> bytesReceived += e.bytes();
            default -> { }
        }
        retransmits += e.retransmits();
        return done;
    }

    /** Live transfers, oldest first; ones silent for {@link #STALE} are dropped. */
    List<TransferView> active(Instant now) {
        active.values().removeIf(v -> Duration.between(v.updatedAt(), now).compareTo(STALE) > 0);
        return List.copyOf(active.values());
    }

    int activeCount() {
        return active.size();
    }

    List<TransferView> recent(Predicate<? super TransferView> filter, int limit) {
        return finished.newest(filter, limit);
    }

    void resize(int finishedKept) {
        finished.resize(finishedKept);
    }

    /** Finished transfers held against the limit, as "312/1000". */
    String use() {
        return finished.size() + "/" + finished.capacity();
    }

    Map<TransferOutcome, Long> byOutcome() {
        return new EnumMap<>(byOutcome);
    }

    long bytesSent() {
        return bytesSent;
    }

    long bytesReceived() {
        return bytesReceived;
    }

    long retransmits() {
        return retransmits;
    }
}
