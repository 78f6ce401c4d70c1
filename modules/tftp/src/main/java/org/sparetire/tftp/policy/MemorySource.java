package org.sparetire.tftp.policy;

import java.nio.ByteBuffer;

/** A source held in memory: netascii translations, which cannot be sent with positional file reads. */
public final class MemorySource implements FileSource {
    private final byte[] bytes;

    public MemorySource(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public int read(long position, ByteBuffer dst) {
        if (position >= bytes.length) {
            return 0;
        }
        int n = (int) Math.min(dst.remaining(), bytes.length - position);
        dst.put(bytes, (int) position, n);
        return n;
    }

    @Override
    public void close() {
    }
}
