package org.sparetire.dhcp.lease;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.Cidr;
import org.sparetire.dhcp.DhcpConfig.Range;
import org.sparetire.dhcp.DhcpConfig.Subnet;

/**
 * Every client the server knows and every address that is taken, kept consistent with one allocator per
 * subnet. Pure data: no threads, no clock (callers pass {@code now}), no I/O.
 */
public final class LeaseTable {
    private final Map<String, Lease> byClient = new HashMap<>();
    private final Map<InetAddress, Lease> byAddress = new HashMap<>();
    private final Map<Cidr, PoolAllocator> pools = new HashMap<>();
    /** Reserved addresses that lie in a pool: never handed to anybody else. */
    private final Set<InetAddress> reserved = new HashSet<>();
    /**
     * No lease that holds an address ends before this (it may end later: a renewal only moves ends
     * later). A full pool is swept only once this has passed, so a pool exhausted by a flood of new
     * clients costs one comparison per DISCOVER, not a walk over every lease.
     */
    private Instant nothingEndsBefore = Instant.MIN;
    /** Every configured range, and how many of its addresses {@link #byAddress} holds: kept as it changes. */
    private final List<Range> ranges = new ArrayList<>();
    private final long[] rangeFrom;
    private final long[] rangeTo;
    private final int[] held;

    public LeaseTable(List<Subnet> subnets, Collection<InetAddress> reservedAddresses) {
        for (Subnet s : subnets) {
            pools.put(s.network(), new PoolAllocator(s.ranges()));
            ranges.addAll(s.ranges());
        }
        rangeFrom = new long[ranges.size()];
        rangeTo = new long[ranges.size()];
        held = new int[ranges.size()];
        for (int i = 0; i < ranges.size(); i++) {
            rangeFrom[i] = Addresses.ipv4ToLong(ranges.get(i).from());
            rangeTo[i] = Addresses.ipv4ToLong(ranges.get(i).to());
        }
        for (InetAddress a : reservedAddresses) {
            PoolAllocator p = poolOf(a);
            if (p != null) {
                takeQuietly(p, a);
                reserved.add(a);
            }
        }
    }

    private PoolAllocator poolOf(InetAddress a) {
        for (Map.Entry<Cidr, PoolAllocator> e : pools.entrySet()) {
            if (e.getKey().contains(a)) {
                return e.getValue().contains(a) ? e.getValue() : null;
            }
        }
        return null;
    }

    public Optional<Lease> ofClient(String clientKey) {
        return Optional.ofNullable(byClient.get(clientKey));
    }

    /** The lease holding this address now; an expired one is reclaimed on the spot. */
    public Optional<Lease> holderOf(InetAddress address, Instant now) {
        Lease l = byAddress.get(address);
        if (l != null && !l.activeAt(now)) {
            expire(l);
            return Optional.empty();
        }
        return Optional.ofNullable(l);
    }

    /** Free for this client: inside a pool, not reserved for someone else, not held by another client. */
    public boolean availableTo(InetAddress address, String clientKey, Instant now) {
        PoolAllocator pool = poolOf(address);
        if (pool == null || reserved.contains(address)) {
            return false;
        }
        Optional<Lease> holder = holderOf(address, now);
        return holder.isEmpty() || (holder.get().clientKey().equals(clientKey) && holder.get().state() != LeaseState.DECLINED);
    }

    public boolean inPool(InetAddress address) {
        return poolOf(address) != null;
    }

    /** A new address from the subnet's pool, preferring {@code hint}; expired leases are reclaimed first when full. */
    public InetAddress allocate(Subnet subnet, InetAddress hint, Instant now) throws AllocationException.NoAddressAvailable {
        PoolAllocator pool = pools.get(subnet.network());
        if (pool == null) {
            throw new AllocationException.NoAddressAvailable(subnet.network().toString());
        }
        if (pool.freeCount() == 0 && !now.isBefore(nothingEndsBefore)) {
            sweep(now);
        }
        InetAddress a = pool.allocate(hint);
        // The allocator marked it; the caller records a lease on it right away (record() keeps the mark).
        return a;
    }

    /** Gives back an address from {@link #allocate} that ended up not being used (e.g. a ping answered). */
    public void abandon(InetAddress address) {
        if (!byAddress.containsKey(address)) {
            PoolAllocator p = poolOf(address);
            if (p != null && !reserved.contains(address)) {
                try {
                    p.free(address);
                } catch (AllocationException.NotAllocated ignored) {
                    // already free: nothing to undo
                }
            }
        }
    }

    /** Inserts or replaces a lease, moving the address marks to match. */
    public void record(Lease lease) {
        Lease previous = byClient.get(lease.clientKey());
        if (previous != null && previous.state().holdsAddress() && !previous.address().equals(lease.address())) {
            release(previous.address(), previous);
        }
        if (lease.state().holdsAddress()) {
            Lease other = byAddress.get(lease.address());
            if (other != null && !other.clientKey().equals(lease.clientKey())) {
                byClient.remove(other.clientKey(), other);
            }
            if (byAddress.put(lease.address(), lease) == null) {
                count(lease.address(), 1);
            }
            if (lease.expires().isBefore(nothingEndsBefore)) {
                nothingEndsBefore = lease.expires();
            }
            PoolAllocator p = poolOf(lease.address());
            if (p != null) {
                takeQuietly(p, lease.address());
            }
        } else {
            Lease holder = byAddress.get(lease.address());
            if (holder != null && holder.clientKey().equals(lease.clientKey())) {
                release(lease.address(), holder);
            }
        }
        if (lease.state() == LeaseState.DECLINED) {
            // A quarantine belongs to the address, not to a client: the client is free to get another one.
            byClient.remove(lease.clientKey(), previous);
        } else {
            byClient.put(lease.clientKey(), lease);
        }
    }

    /** Forgets a client's remembered lease when another client needs its address. */
    public void forget(String clientKey) {
        Lease l = byClient.remove(clientKey);
        if (l != null && l.state().holdsAddress()) {
            release(l.address(), l);
        }
    }

    private void release(InetAddress address, Lease holder) {
        if (byAddress.remove(address, holder)) {
            count(address, -1);
            PoolAllocator p = poolOf(address);
            if (p != null && !reserved.contains(address)) {
                try {
                    p.free(address);
                } catch (AllocationException.NotAllocated ignored) {
                    // the mark was already gone; the table is the source of truth
                }
            }
        }
    }

    private void expire(Lease l) {
        release(l.address(), l);
        if (l.state() == LeaseState.DECLINED) {
            return;
        }
        if (byClient.get(l.clientKey()) == l) {
            byClient.put(l.clientKey(), l.with(LeaseState.EXPIRED, l.expires()));
        }
    }

    /** Reclaims everything whose time is up; returns the bound leases that expired (for events and the journal). */
    public List<Lease> sweep(Instant now) {
        List<Lease> expired = new ArrayList<>();
        Instant soonest = Instant.MAX;
        for (Lease l : new ArrayList<>(byAddress.values())) {
            if (!l.activeAt(now)) {
                expire(l);
                if (l.state() == LeaseState.BOUND) {
                    expired.add(l.with(LeaseState.EXPIRED, l.expires()));
                }
            } else if (l.expires().isBefore(soonest)) {
                soonest = l.expires();
            }
        }
        nothingEndsBefore = soonest;
        return expired;
    }

    /** Every lease, remembered ones included. */
    public List<Lease> all() {
        List<Lease> out = new ArrayList<>(byClient.values());
        for (Lease l : byAddress.values()) {
            if (l.state() == LeaseState.DECLINED) {
                out.add(l);
            }
        }
        return out;
    }

    private void count(InetAddress address, int delta) {
        long a = Addresses.ipv4ToLong(address);
        for (int i = 0; i < held.length; i++) {
            if (a >= rangeFrom[i] && a <= rangeTo[i]) {
                held[i] += delta;
                return;
            }
        }
    }

    /** The ranges' fill as it is now, as an immutable value for other threads. */
    public PoolSnapshot poolSnapshot() {
        List<Integer> counts = new ArrayList<>(held.length);
        for (int h : held) {
            counts.add(h);
        }
        return new PoolSnapshot(ranges, counts, nothingEndsBefore);
    }

    public int freeAddresses(Cidr network) {
        PoolAllocator p = pools.get(network);
        return p == null ? 0 : p.freeCount();
    }

    private static void takeQuietly(PoolAllocator p, InetAddress a) {
        try {
            p.take(a);
        } catch (AllocationException.OutsidePool ignored) {
            // checked by poolOf before
        }
    }
}
