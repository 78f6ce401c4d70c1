package org.sparetire.tftp.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import java.io.IOException;
import org.sparetire.tftp.policy.FileSource;

/**
 * Part of a file as buffers, for channels that cannot send a file region (transports without sendfile,
 * sources that are not a plain file). Written through Netty's ChunkedWriteHandler, which pulls the next
 * buffer only when the socket can take it.
 */
final class SourceChunks implements ChunkedInput<ByteBuf> {
    static final int CHUNK = 64 * 1024;

    private final FileSource source;
    private final long start;
    private final long end;
    private long offset;

    SourceChunks(FileSource source, long start, long length) {
        this.source = source;
        this.start = start;
        this.end = start + length;
        this.offset = start;
    }

    @Override
    public boolean isEndOfInput() {
        return offset >= end;
    }

    @Override
    public void close() {
        source.close();
    }

    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws IOException {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws IOException {
        if (offset >= end) {
            return null;
        }
        int len = (int) Math.min(CHUNK, end - offset);
        ByteBuf buf = allocator.directBuffer(len);
        try {
            int n = source.read(offset, buf.nioBuffer(0, len));
            if (n <= 0) {
                throw new IOException("file changed while being sent");
            }
            buf.writerIndex(n);
            offset += n;
            return buf;
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    @Override
    public long length() {
        return end - start;
    }

    @Override
    public long progress() {
        return offset - start;
    }
}
