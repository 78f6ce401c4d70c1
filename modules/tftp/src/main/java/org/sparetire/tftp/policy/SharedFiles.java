package org.sparetire.tftp.policy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

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

    /**
     * Shares a file opened and checked by the path jail: an entry for the same path and the same identity
     * (file key, size, modification time) serves it, and the new descriptor is closed; otherwise the new
     * descriptor becomes that path's entry. The size is the open descriptor's, not an earlier stat's.
     */
    public synchronized FileSource share(BeneathRoot.OpenFile file) {
        Identity id = new Identity(file.fileKey(), file.size(), file.modified());
        Entry e = open.get(file.path());
        if (e != null && e.identity.equals(id)) {
            file.close();
        } else {
            e = new Entry(file.path(), id, file.channel(), file.size());
            open.put(file.path(), e);
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
        public Optional<FileChannel> channel() {
            return Optional.of(entry.channel);
        }

        @Override
        public long lastModified() {
            return entry.identity.modified();
        }

        @Override
        public String version() {
            Identity id = entry.identity;
            return Integer.toHexString(id.fileKey().hashCode()) + "-" + Long.toHexString(id.size()) + "-"
                    + Long.toHexString(id.modified());
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
