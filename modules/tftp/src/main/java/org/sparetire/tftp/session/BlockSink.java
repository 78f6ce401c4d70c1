package org.sparetire.tftp.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/** Where a receiving transfer puts blocks, in order. Implemented by the upload inbox and the client. */
public interface BlockSink {
    /** Appends the payload. Throws {@link SinkFullException} when the disk or the size limit is full. */
    void write(ByteBuffer payload) throws IOException;

    /** All data arrived: make it visible (rename the temporary file into place). */
    void commit() throws IOException;

    /** The transfer failed: remove every trace of it. Never throws. */
    void abort();

    /**
     * Where the data was kept, once committed (an upload's versioned path), for the transfer's record; text,
     * since the session knows no file system.
     */
    default Optional<String> savedAs() {
        return Optional.empty();
    }
}
