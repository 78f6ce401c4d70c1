package org.sparetire.tftp.policy;

import java.io.IOException;
import java.nio.ByteBuffer;

/** What a read transfer sends: a fixed size and positional reads, so many transfers can share one file. */
public interface FileSource extends AutoCloseable {
    long size();

    /** Fills {@code dst} from {@code position} until it is full or the source ends; returns bytes read. */
    int read(long position, ByteBuffer dst) throws IOException;

    /** Gives the source back (a shared file closes when its last reader closes). */
    @Override
    void close();
}
