package org.sparetire.dhcp.store;

import java.io.IOException;

/** The lease store could not make a change durable; the reply that depends on it must not leave. */
public final class LeaseStoreUnavailable extends IOException {
    public LeaseStoreUnavailable(String message) {
        super(message);
    }
}
