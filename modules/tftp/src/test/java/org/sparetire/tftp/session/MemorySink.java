package org.sparetire.tftp.session;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Test sink: keeps the bytes, and can be told to run out of space. */
final class MemorySink implements BlockSink {
    final ByteArrayOutputStream data = new ByteArrayOutputStream();
    long failAfter = Long.MAX_VALUE;
    boolean committed;
    boolean aborted;

    @Override
    public void write(ByteBuffer payload) throws IOException {
        if (data.size() + payload.remaining() > failAfter) {
            throw new SinkFullException("No space left on device");
        }
        byte[] b = new byte[payload.remaining()];
        payload.duplicate().get(b);
        data.write(b);
    }

    @Override
    public void commit() {
        committed = true;
    }

    @Override
    public void abort() {
        aborted = true;
    }
}
