package org.sparetire.dhcp.lease;

/** Where an address stands with a client. */
public enum LeaseState {
    /** Offered and held for {@code offer-hold}; not on disk (nothing was promised yet). */
    OFFERED,
    /** Acknowledged: on disk before the ACK left. */
    BOUND,
    /** Given back by the client; remembered so the client gets the same address next time. */
    RELEASED,
    /** Ran out; remembered for stickiness like RELEASED. */
    EXPIRED,
    /** A client found the address in use (DECLINE); kept out of the pool until the quarantine ends. */
    DECLINED;

    /** True when the address is taken. */
    public boolean holdsAddress() {
        return this == OFFERED || this == BOUND || this == DECLINED;
    }
}
