package org.sparetire.tftp.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** What a put sends: a file read by position, or netascii bytes in memory. */
record UploadSource(FileChannel channel, byte[] bytes) implements AutoCloseable {
    long size() throws IOException {
        return channel != null ? channel.size() : bytes.length;
    }

    int read(long position, ByteBuffer dst) throws IOException {
        if (channel == null) {
            int n = (int) Math.min(dst.remaining(), bytes.length - position);
            dst.put(bytes, (int) position, n);
            return n;
        }
        int total = 0;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, position + total);
            if (n <= 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
