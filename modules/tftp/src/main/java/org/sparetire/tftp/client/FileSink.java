package org.sparetire.tftp.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.sparetire.tftp.policy.GatheredWrites;
import org.sparetire.tftp.session.BlockSink;

/**
 * Writes to a temporary file and renames it over the destination when complete. Blocks are gathered
 * in memory and written a megabyte at a time: one write per block would be a system call per block.
 */
final class FileSink implements BlockSink {
    private static final int GATHER_BYTES = 1 << 20;
    private final Path temp;
    private final Path target;
    private FileChannel channel;
    private GatheredWrites writes;
    private boolean done;

    FileSink(Path temp, Path target) {
        this.temp = temp;
        this.target = target;
    }

    private GatheredWrites open() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            writes = new GatheredWrites(channel, GATHER_BYTES);
        }
        return writes;
    }

    @Override
    public void write(ByteBuffer payload) throws IOException {
        open().append(payload);
    }

    @Override
    public void commit() throws IOException {
        open().flush();
        channel.close();
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        done = true;
    }

    @Override
    public void abort() {
        if (done) {
            return;
        }
        done = true;
        try {
            if (channel != null) {
                channel.close();
            }
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a leftover hidden .part file is harmless
        }
    }
}
