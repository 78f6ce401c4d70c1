package org.sparetire.tftp.transport;

import org.sparetire.core.event.TransferFinished;

/** What a running transfer tells the server that started it; called on the transfer's event loop. */
interface TransferListener {
    /** The transfer's outcome, once: counted, published and logged. */
    void finished(TransferFinished outcome);

    /** The transfer has ended and let go of its socket (closed it, or handed the shared one back). */
    void closed(TransferContext transfer);

    /** Transfers running now on the server, for the choice whether polling for a reply pays. */
    int running();
}
