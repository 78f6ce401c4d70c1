package org.sparetire.tftp.policy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Appends blocks to a file through a buffer in memory, so a transfer costs one write system call per
 * buffer instead of one per block. Shared by the server's upload inbox and the built-in client.
 */
public final class GatheredWrites {
    private final FileChannel channel;
    private final ByteBuffer gathered;

    public GatheredWrites(FileChannel channel, int bufferBytes) {
        this.channel = channel;
        this.gathered = ByteBuffer.allocateDirect(bufferBytes);
    }

    /** Takes the payload's remaining bytes, leaving its position untouched. */
    public void append(ByteBuffer payload) throws IOException {
        if (payload.remaining() > gathered.remaining()) {
            flush();
        }
        if (payload.remaining() > gathered.capacity()) {
            writeFully(payload.duplicate());
        } else {
            gathered.put(payload.duplicate());
        }
    }

    /** Writes what is gathered; the caller syncs or closes the channel. */
    public void flush() throws IOException {
        gathered.flip();
        try {
            writeFully(gathered);
        } finally {
            gathered.clear();
        }
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }
}
