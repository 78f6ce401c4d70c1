package org.sparetire.core.query;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.sparetire.core.event.LeaseEvent;

/**
 * What the lease service answers to the rest of the appliance (the dashboard): the caller never waits on
 * the service's thread, it composes the futures or reads values the service has published.
 */
public interface LeaseQueries {

    /** How full each configured range is, in configuration order. */
    CompletableFuture<List<PoolFill>> pools();

    /**
     * The bound leases in force now, as the events that bound them would read. With a store that other
     * servers share ({@link #sharedStore()}), those in the store, whichever server granted them.
     */
    CompletableFuture<List<LeaseEvent>> activeLeases();

    /** True when the leases are kept in a store that other servers write too. */
    default boolean sharedStore() {
        return false;
    }

    /**
     * Ends the lease a MAC holds, as if the client had released it.
     *
     * @return true once a bound lease was released and its end stored, false when the MAC holds none;
     *         exceptionally when the service is not serving or the store failed
     */
    CompletableFuture<Boolean> release(String mac);

    /** Requests and replies given up under a flood since start, by reason. */
    Map<String, Long> dropped();

    /** Whether the lease store takes writes now; empty while the service is not serving. */
    Optional<Boolean> storeReachable();

    /**
     * @param name first and last address of the range, "from-to"
     * @param size addresses in the range
     * @param held addresses a lease holds (offered, bound or quarantined)
     */
    record PoolFill(String name, int size, int held) {
    }
}
