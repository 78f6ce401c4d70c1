package org.sparetire.tftp.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import org.sparetire.tftp.policy.FileSource;
import org.sparetire.tftp.session.Outgoing;

/**
 * Small blocks of a read transfer, cut from one 256 KiB chunk of its source: one positional read per chunk,
 * not per block. The chunk is a pooled direct buffer, taken at the first block and given back by
 * {@link #release()}.
 */
final class ReadAhead {
    /** Blocks up to this size come from the chunk; a bigger one is read on its own. */
    static final int MAX_BLOCK = 16 * 1024;
    private static final int CHUNK = 256 * 1024;

    private final FileSource source;
    private final ByteBufAllocator alloc;
    private ByteBuf chunk;
    private long start = -1;
    private int length;

    ReadAhead(FileSource source, ByteBufAllocator alloc) {
        this.source = source;
        this.alloc = alloc;
    }

    /**
     * Where block b's bytes start in {@link #chunk()}, after reading the chunk that holds them when the
     * current one does not; -1 when the source cannot give them all (the file changed).
     */
    int locate(Outgoing.Block b) {
        if (start < 0 || b.offset() < start || b.offset() + b.length() > start + length) {
            if (chunk == null) {
                chunk = alloc.directBuffer(CHUNK, CHUNK);
            }
            int want = (int) Math.min(CHUNK, source.size() - b.offset());
            int n;
            try {
                n = source.read(b.offset(), chunk.nioBuffer(0, want));
            } catch (IOException e) {
                return -1;
            }
            if (n < b.length()) {
                start = -1;
                return -1;
            }
            start = b.offset();
            length = n;
        }
        return (int) (b.offset() - start);
    }

    ByteBuf chunk() {
        return chunk;
    }

    void release() {
        if (chunk != null) {
            chunk.release();
            chunk = null;
        }
    }
}
