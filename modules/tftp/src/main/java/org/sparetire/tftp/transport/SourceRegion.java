package org.sparetire.tftp.transport;

import io.netty.channel.DefaultFileRegion;
import java.nio.channels.FileChannel;
import org.sparetire.tftp.policy.FileSource;

/**
 * A zero-copy send (sendfile on epoll, transferTo on NIO) of part of a shared file. When Netty releases
 * the region it gives the source back instead of closing the channel, which other downloads and TFTP
 * transfers of the same file may still be reading.
 */
final class SourceRegion extends DefaultFileRegion {
    private final FileSource source;

    SourceRegion(FileSource source, FileChannel channel, long position, long count) {
        super(channel, position, count);
        this.source = source;
    }

    @Override
    protected void deallocate() {
        source.close();
    }
}
