package org.sparetire.tftp.session;

import java.util.List;

/**
 * What the transport must do after feeding a transfer one event.
 *
 * @param send       packets to send, in order
 * @param deadline   monotonic nanos at which to call {@code onTimeout}, or {@link #NO_DEADLINE}
 * @param completion non-null on the one step where the transfer's outcome became known
 * @param closed     nothing more is expected: release the socket/slot (a receiver stays open a little
 *                   after completing, to re-acknowledge a repeated last block whose ACK was lost)
 */
public record Step(List<Outgoing> send, long deadline, Completion completion, boolean closed) {
    public static final long NO_DEADLINE = Long.MIN_VALUE;

    public Step {
        send = List.copyOf(send);
    }

    public boolean hasDeadline() {
        return deadline != NO_DEADLINE;
    }
}
