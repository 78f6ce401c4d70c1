package org.sparetire.core.event;

public enum TransferOutcome {
    /** Every byte delivered and acknowledged. */
    COMPLETED,
    /** Refused before any data moved: access denied, not found, busy, bad request. */
    REFUSED,
    /** The peer sent an ERROR packet; UEFI's tsize probe ends this way and is not a failure. */
    PEER_ABORTED,
    /** Retries exhausted: the peer vanished or the path loses too much. */
    TIMED_OUT,
    /** Our side failed: disk error, disk full, shutdown. */
    FAILED
}
