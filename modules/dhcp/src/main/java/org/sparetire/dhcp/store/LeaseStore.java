package org.sparetire.dhcp.store;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.sparetire.dhcp.lease.Lease;

/**
 * Where leases are kept durably. The DHCP service hands each burst of lease changes to {@link #commit} and
 * sends the replies that depend on them only when the returned future completes: every implementation
 * does its I/O on a thread of its own and completes the future there, never on the caller's thread.
 *
 * <p>A store {@link #shared() shared} with other servers is the truth about who holds an address: each
 * OFFERED or BOUND lease is a claim that it grants or refuses atomically, and a refusal comes back with the
 * row that won, so the caller learns it and decides again.
 */
public interface LeaseStore {

    /** What the store held when it was opened (an empty list when it could not be read yet). */
    List<Lease> restored();

    /** True when other servers write the same leases, so offers are claimed here before they leave. */
    boolean shared();

    /**
     * Makes these lease changes durable. The future fails with {@link LeaseStoreUnavailable} when nothing
     * could be written (the replies are withheld); it completes with the changes that were refused, if any.
     *
     * @param firstTry false when these leases are decided again after a refusal: a shared store then no
     *                 longer insists that a client keep an address it holds elsewhere
     */
    CompletableFuture<Commit> commit(List<Lease> leases, boolean firstTry);

    /** Leases other servers changed since the last call (never anything for a store only this server writes). */
    CompletableFuture<List<Lease>> changesByOthers();

    /**
     * Every lease the store holds, read on its own thread: for a {@link #shared() shared} store, what every
     * server sharing it granted, for the views that must show all of them. A store only this server
     * writes holds nothing the service's own table lacks, and is not read back.
     */
    default CompletableFuture<List<Lease>> everyLease() {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("only a shared store is read back"));
    }

    /** Housekeeping on the store's thread: the journal rewrites itself to these live leases. */
    CompletableFuture<Void> compact(Collection<Lease> live);

    /** One short phrase for the health line: what the store is and whether it works now. */
    String status();

    /** False while the store cannot be written (a database that does not answer). */
    boolean reachable();

    /** Lets queued work finish for at most {@code grace}, then releases the store. */
    void close(Duration grace);

    /**
     * The outcome of a commit: for each refused lease (by its position in the committed list), the leases
     * that stand in its way (the holder of the address, or the client's lease elsewhere).
     */
    record Commit(Map<Integer, List<Lease>> refused) {
        public static final Commit ALL = new Commit(Map.of());

        public Commit {
            refused = Map.copyOf(refused);
        }
    }
}
