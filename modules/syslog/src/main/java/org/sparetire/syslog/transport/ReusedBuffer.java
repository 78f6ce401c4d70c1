package org.sparetire.syslog.transport;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/**
 * The receive buffer for the UDP socket: one direct buffer (a slot of just over 64 KiB for each datagram of a
 * recvmmsg batch), handed out again for every read. Netty would otherwise take a fresh run from its pool per read (its
 * thread caches stop at 32 KiB), which showed in profiles at 200k datagrams/s. Safe because the handler copies
 * each datagram out before the event loop reads the next one, and the buffer is wrapped so that release() does
 * not free it.
 * Anything else asked of this allocator goes to the shared pool.
 */
final class ReusedBuffer extends AbstractByteBufAllocator {
    private final int size;
    private ByteBuf shared;

    ReusedBuffer(int size) {
        super(true);
        this.size = size;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        if (initialCapacity == size) {
            if (shared == null) {
                // Not from an allocator, so the leak detector never tracks it: it is never meant to be freed.
                shared = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(size)));
            }
            return shared.clear();
        }
        return PooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return PooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return true;
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return PooledByteBufAllocator.DEFAULT.compositeDirectBuffer(maxNumComponents);
    }
}
