package org.sparetire.syslog.store;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DropBehind}'s calls into Linux: {@code sync_file_range(2)} and {@code posix_fadvise(2)} through JNA's
 * direct mapping. The JDK offers neither, and a file channel does not show its descriptor, so each file gets a
 * read-only descriptor of its own, which is all both calls need.
 */
final class LinuxPageCache implements DropBehind.Kernel {
    private static final Logger log = LoggerFactory.getLogger(LinuxPageCache.class);
    // The values of these constants differ on a few Linux architectures; load() admits only those where they hold.
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int SYNC_FILE_RANGE_WAIT_BEFORE = 1;
    private static final int SYNC_FILE_RANGE_WRITE = 2;
    private static final int SYNC_FILE_RANGE_WAIT_AFTER = 4;
    private static final int POSIX_FADV_DONTNEED = 4;

    /** Null until the first store asks; then whether the calls loaded. */
    private static Boolean available;

    private LinuxPageCache() {
    }

    /** The calls, or null where they cannot be made (said once per process, at INFO). */
    static synchronized DropBehind.Kernel load() {
        if (available == null) {
            available = register();
        }
        return available ? new LinuxPageCache() : null;
    }

    private static boolean register() {
        if (!Platform.isLinux() || !(Platform.ARCH.equals("x86-64") || Platform.ARCH.equals("aarch64"))) {
            log.info("Log files stay in the page cache: evicting them needs Linux on x86-64 or aarch64, not {} {}",
                    System.getProperty("os.name"), Platform.ARCH);
            return false;
        }
        try {
            Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
            return true;
        } catch (LinkageError | RuntimeException e) {
            // JNA unpacks its native part into a cache or temporary folder; a noexec one is the usual reason.
            log.info("Log files stay in the page cache: JNA could not load ({}); setting jna.tmpdir to an "
                    + "executable folder may help", e.toString());
            return false;
        }
    }

    /** The C library's functions, by their own names (which is how JNA's direct mapping finds them). */
    private static final class Libc {
        static native int open(String path, int flags);

        static native int close(int fd);

        static native int sync_file_range(int fd, long offset, long length, int flags);

        static native int posix_fadvise(int fd, long offset, long length, int advice);
    }

    @Override
    public int open(Path file) {
        return Libc.open(file.toString(), O_RDONLY | O_CLOEXEC);
    }

    @Override
    public boolean startWriteback(int fd, long offset, long length) {
        return Libc.sync_file_range(fd, offset, length, SYNC_FILE_RANGE_WRITE) == 0;
    }

    @Override
    public boolean finishWriteback(int fd, long offset, long length) {
        return Libc.sync_file_range(fd, offset, length,
                SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) == 0;
    }

    @Override
    public boolean evict(int fd, long offset, long length) {
        return Libc.posix_fadvise(fd, offset, length, POSIX_FADV_DONTNEED) == 0;
    }

    @Override
    public void close(int fd) {
        Libc.close(fd);
    }
}
