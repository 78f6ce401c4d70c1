package org.sparetire.tftp.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparetire.tftp.session.Step;

/** When a transfer's one lazy timer is scheduled again for the session's new deadline. */
class TransferTimerTest {
    @Test
    void aDeadlineWithNoTimerPendingIsScheduled() {
        assertTrue(TransferContext.scheduleAnew(false, 0, 5_000));
        assertFalse(TransferContext.scheduleAnew(false, 0, Step.NO_DEADLINE));
    }

    @Test
    void aLaterDeadlineWaitsForThePendingTimer() {
        assertFalse(TransferContext.scheduleAnew(true, 1_000_000_000L, 1_010_000_000L));
        assertFalse(TransferContext.scheduleAnew(true, 1_000_000_000L, 1_000_000_000L));
    }

    @Test
    void anEarlierDeadlineIsNotLeftToATimerThatFiresLater() {
        // The first block's timer was set for 1 s; once the round trip is measured, a resend is due in 10 ms.
        assertTrue(TransferContext.scheduleAnew(true, 1_000_000_000L, 10_000_000L));
        // nanoTime may wrap: the pending timer just past the wrap, the new deadline just before it.
        assertTrue(TransferContext.scheduleAnew(true, Long.MIN_VALUE + 5, Long.MAX_VALUE - 5));
    }
}
