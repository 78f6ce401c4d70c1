package org.sparetire.tftp.session;

import org.sparetire.core.event.TransferOutcome;

/** How a transfer ended; reported exactly once. {@code detail} never contains a server path. */
public record Completion(TransferOutcome outcome, String detail) {
    public static final Completion COMPLETED = new Completion(TransferOutcome.COMPLETED, "");
}
