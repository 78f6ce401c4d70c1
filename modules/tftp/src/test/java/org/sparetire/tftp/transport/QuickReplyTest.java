package org.sparetire.tftp.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which sends the event loop polls for an answer to: a lockstep block of any size, small windows only. */
class QuickReplyTest {
    @Test
    void aLockstepBlockIsPolledForWhateverItsSize() {
        assertTrue(ReplyPoller.quickReplyLikely(1, 512));
        assertTrue(ReplyPoller.quickReplyLikely(1, 65_464));
    }

    @Test
    void anOptionAckOrAnUploadAckIsPolledFor() {
        assertTrue(ReplyPoller.quickReplyLikely(0, 0));
    }

    @Test
    void aWindowIsPolledForUpTo16KiB() {
        assertTrue(ReplyPoller.quickReplyLikely(4, 4 * 1468));
        assertTrue(ReplyPoller.quickReplyLikely(16, 16 * 1024));
        assertFalse(ReplyPoller.quickReplyLikely(16, 16 * 1468));
        assertFalse(ReplyPoller.quickReplyLikely(2, 2 * 65_464));
    }
}
