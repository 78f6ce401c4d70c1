package org.sparetire.tftp.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which sends the event loop polls for an answer to: a lockstep block of any size, small windows only. */
class QuickReplyTest {
    @Test
    void aLockstepBlockIsPolledForWhateverItsSize() {
        assertTrue(TransferContext.quickReplyLikely(1, 512));
        assertTrue(TransferContext.quickReplyLikely(1, 65_464));
    }

    @Test
    void anOptionAckOrAnUploadAckIsPolledFor() {
        assertTrue(TransferContext.quickReplyLikely(0, 0));
    }

    @Test
    void aWindowIsPolledForUpTo16KiB() {
        assertTrue(TransferContext.quickReplyLikely(4, 4 * 1468));
        assertTrue(TransferContext.quickReplyLikely(16, 16 * 1024));
        assertFalse(TransferContext.quickReplyLikely(16, 16 * 1468));
        assertFalse(TransferContext.quickReplyLikely(2, 2 * 65_464));
    }
}
