package org.sparetire.tftp.policy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;

/** What a read transfer sends: a fixed size and positional reads, so many transfers can share one file. */
public interface FileSource extends AutoCloseable {
    long size();

    /** Fills {@code dst} from {@code position} until it is full or the source ends; returns bytes read. */
    int read(long position, ByteBuffer dst) throws IOException;

    /**
     * The open file itself, for zero-copy sends (sendfile); empty for sources that are not a plain file.
     * Callers only read from it at explicit positions and never close it: {@link #close()} does that.
     */
    default Optional<FileChannel> channel() {
        return Optional.empty();
    }

    /** When the file was last modified, in milliseconds since the epoch, or -1 when unknown. */
    default long lastModified() {
        return -1;
    }

    /**
     * Names this version of the file (file identity, size and modification time), for HTTP validators;
     * empty when unknown.
     */
    default String version() {
        return "";
    }

    /** Gives the source back (a shared file closes when its last reader closes). */
    @Override
    void close();
}
