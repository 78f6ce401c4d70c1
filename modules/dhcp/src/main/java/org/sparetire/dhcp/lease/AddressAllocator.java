package org.sparetire.dhcp.lease;

import java.net.InetAddress;

/**
 * Hands out addresses from a pool. It knows which addresses are taken and nothing else: expiry, clients
 * and stickiness are the lease table's business (as coredhcp's allocator interface puts it).
 */
public interface AddressAllocator {

    /** Takes {@code hint} when it is in the pool and free, else any free address. */
    InetAddress allocate(InetAddress hint) throws AllocationException.NoAddressAvailable;

    /** Takes exactly this address (a restored lease, a requested address, a quarantine). */
    void take(InetAddress address) throws AllocationException.OutsidePool;

    void free(InetAddress address) throws AllocationException.NotAllocated;

    boolean contains(InetAddress address);

    boolean isFree(InetAddress address);

    int size();

    int freeCount();
}
