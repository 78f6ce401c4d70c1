package org.sparetire.tftp.policy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Opens each file once however many clients fetch it (forty phones on a bench pull the same firmware),
 * like dnsmasq's shared-by-inode files. Reads are positional, so sharers never disturb each other and the
 * page cache serves them all. A file replaced on disk (new inode, size or mtime) gets a new entry; the old
 * one stays open for the transfers already using it, so a running transfer never sees a mix of versions.
 */
public final class SharedFiles {
    private final Map<Path, Entry> open = new HashMap<>();

    private record Identity(Object fileKey, long size, long modified) {
    }

    private final class Entry {
        final Path path;
        final Identity identity;
        final FileChannel channel;
        final long size;
        int users;

        Entry(Path path, Identity identity, FileChannel channel, long size) {
            this.path = path;
            this.identity = identity;
            this.channel = channel;
            this.size = size;
        }
    }

    /** Opens (or shares) a regular file. The size is taken from the open descriptor, not an earlier stat. */
    public synchronized FileSource open(Path path) throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
        Identity id = new Identity(a.fileKey() == null ? path : a.fileKey(), a.size(), a.lastModifiedTime().toMillis());
        Entry e = open.get(path);
        if (e == null || !Objects.equals(e.identity, id)) {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
            e = new Entry(path, id, ch, ch.size());
            open.put(path, e);
        }
        e.users++;
        return new Handle(e);
    }

    /** Files currently held open, for health and tests. */
    public synchronized int openFiles() {
        return open.size();
    }

    private synchronized void release(Entry e) {
        e.users--;
        if (e.users == 0) {
            if (open.get(e.path) == e) {
                open.remove(e.path);
            }
            try {
                e.channel.close();
            } catch (IOException ignored) {
                // closing a read-only descriptor cannot lose data
            }
        }
    }

    private final class Handle implements FileSource {
        private final Entry entry;
        private boolean closed;

        Handle(Entry entry) {
            this.entry = entry;
        }

        @Override
        public long size() {
            return entry.size;
        }

        @Override
        public int read(long position, ByteBuffer dst) throws IOException {
            int total = 0;
            while (dst.hasRemaining()) {
                int n = entry.channel.read(dst, position + total);
                if (n <= 0) {
                    break;
                }
                total += n;
            }
            return total;
        }

        @Override
        public void close() {
            synchronized (SharedFiles.this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            release(entry);
        }
    }
}
