package org.sparetire.dhcp.lease;

/** Why an allocator could not do what was asked; each case is its own type so callers can react. */
public sealed class AllocationException extends Exception
        permits AllocationException.NoAddressAvailable, AllocationException.NotAllocated,
                AllocationException.OutsidePool {

    AllocationException(String message) {
        super(message);
    }

    /** Every address of the pool is taken (coredhcp's ErrNoAddrAvail). */
    public static final class NoAddressAvailable extends AllocationException {
        public NoAddressAvailable(String pool) {
            super("no free address in " + pool);
        }
    }

    /** Freeing an address that was not allocated (coredhcp's ErrDoubleFree). */
    public static final class NotAllocated extends AllocationException {
        public NotAllocated(String address) {
            super(address + " is not allocated");
        }
    }

    public static final class OutsidePool extends AllocationException {
        public OutsidePool(String address) {
            super(address + " is not in the pool");
        }
    }
}
