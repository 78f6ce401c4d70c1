package org.sparetire.tftp.transport;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.event.TransferDirection;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.net.Addresses;

/**
 * One server's transfers: the running ones, found by client address and port (single-port mode tells
 * transfers apart by it), and the count and log line of those that ended. Thread-safe: transfers end on
 * several event loops.
 */
final class LiveTransfers implements TransferListener {
    private static final Logger log = LoggerFactory.getLogger("org.sparetire.tftp");

    private final EventBus events;
    private final AtomicLong served = new AtomicLong();
    private final Map<InetSocketAddress, TransferContext> byPeer = new ConcurrentHashMap<>();
    private final Set<TransferContext> live = ConcurrentHashMap.newKeySet();

    LiveTransfers(EventBus events) {
        this.events = events;
    }

    /** The transfer started last for this client address and port, or null. */
    TransferContext byPeer(InetSocketAddress peer) {
        return byPeer.get(peer);
    }

    void add(TransferContext t) {
        live.add(t);
        byPeer.put(t.record().peer(), t);
    }

    List<TransferContext> snapshot() {
        return List.copyOf(live);
    }

    boolean isEmpty() {
        return live.isEmpty();
    }

    @Override
    public int running() {
        return live.size();
    }

    long served() {
        return served.get();
    }

    @Override
    public void closed(TransferContext t) {
        live.remove(t);
        byPeer.remove(t.record().peer(), t);
        if (t.shared() != null) {
            t.shared().transferEnded();
        }
    }

    @Override
    public void finished(TransferFinished e) {
        served.incrementAndGet();
        events.publish(e);
        String outcome = switch (e.outcome()) {
            case COMPLETED -> "ok";
            case REFUSED -> "refused";
            case PEER_ABORTED -> "peer-aborted";
            case TIMED_OUT -> "timed-out";
            case FAILED -> "failed";
        };
        double ms = e.elapsed().toNanos() / 1e6;
        String line = "tftp {} {} peer={} file={} mode={} options={} bytes={} ms={} rate={}MB/s retransmits={}{}{}";
        Object[] args = {e.direction() == TransferDirection.READ ? "read" : "write", outcome,
                Addresses.format(e.peer()), e.file(), e.mode(), e.options(), e.bytes(), String.format("%.1f", ms),
                String.format("%.2f", e.bytesPerSecond() / 1e6), e.retransmits(),
                e.detail().isEmpty() ? "" : " detail=\"" + e.detail() + "\"",
                e.savedAs() == null ? "" : " saved=" + e.savedAs()};
        if (e.outcome() == TransferOutcome.TIMED_OUT || e.outcome() == TransferOutcome.FAILED) {
            log.warn(line, args);
        } else if (e.outcome() == TransferOutcome.PEER_ABORTED && e.bytes() == 0) {
            // UEFI's tsize probe: ask for options, read the OACK, answer ERROR. Normal, not worth INFO.
            log.debug(line, args);
        } else {
            log.info(line, args);
        }
    }
}
