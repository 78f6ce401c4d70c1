package org.sparetire.tftp.policy;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Opens files and folders beneath one directory so that what is opened is what was checked. A check on a
 * path followed by an open of the same path is a race: someone who may write under the root can swap a
 * checked file for a symlink out of it in between. Instead every step is taken relative to a directory
 * already open, with links never followed by the kernel ({@code openat} with {@code O_NOFOLLOW}, through
 * the JDK's {@link SecureDirectoryStream}); a link the policy allows is read and walked here, one name at a
 * time, and can never climb above the root.
 *
 * <p>Where the platform offers no secure directory stream (Windows), the path is resolved and checked, the
 * file opened without following a final link, and the check repeated against the same identity: this
 * narrows the window but cannot close it there.
 */
public final class BeneathRoot {
    /** Links followed in one lookup before giving up, as Linux's own limit (MAXSYMLINKS). */
    private static final int MAX_LINKS = 40;
    /** Lookups started again when a name changed under the walk before the request is refused. */
    private static final int MAX_WALKS = 3;
    private static final Set<OpenOption> READ_NO_FOLLOW = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

    private final Path root;
    private final SymlinkPolicy symlinks;
    private final boolean caseInsensitive;

    /**
     * @param root            the directory nothing may be opened outside of (itself may be a link: that is the
     *                        operator's choice)
     * @param caseInsensitive a name that does not exist matches one that differs only in case
     */
    public BeneathRoot(Path root, SymlinkPolicy symlinks, boolean caseInsensitive) {
        this.root = root.toAbsolutePath().normalize();
        this.symlinks = Objects.requireNonNull(symlinks);
        this.caseInsensitive = caseInsensitive;
    }

    public Path root() {
        return root;
    }

    /**
     * An open regular file and who it is.
     *
     * @param path    where it was found, for sharing and logs inside the server (never shown to a client)
     * @param fileKey the file's identity (device and inode on Unix), or the path where the platform has none
     */
    public record OpenFile(FileChannel channel, Path path, Object fileKey, long size, long modified)
            implements Closeable {
        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // a read-only descriptor loses nothing on close
            }
        }
    }

    /** Opens a regular file for reading, given a clean relative name ("a/b/c", see {@link FileNames}). */
    public Verdict<OpenFile> openFile(String relative) {
        Path realRoot;
        try {
            realRoot = root.toRealPath();
        } catch (IOException e) {
            return Verdict.refuse(Refusal.notFound());
        }
        for (int walk = 1; ; walk++) {
            try (DirectoryStream<Path> top = Files.newDirectoryStream(realRoot)) {
                if (!(top instanceof SecureDirectoryStream<Path> secure)) {
                    return openByPath(realRoot, relative);
                }
                return walk(secure, realRoot, relative);
            } catch (NameChanged e) {
                if (walk >= MAX_WALKS) {
                    return Verdict.refuse(Refusal.accessViolation("name kept changing while being opened"));
                }
            } catch (NoSuchFileException e) {
                return Verdict.refuse(Refusal.notFound());
            } catch (AccessDeniedException e) {
                return Verdict.refuse(Refusal.accessViolation("file not readable by the server"));
            } catch (IOException e) {
                return Verdict.refuse(Refusal.accessViolation("cannot open: " + e.getClass().getSimpleName()));
            }
        }
    }

    /** A name that was a file or folder at the check was something else at the open: walk again. */
    private static final class NameChanged extends IOException {
        NameChanged() {
            super("name changed while being opened");
        }
    }

    private Verdict<OpenFile> walk(SecureDirectoryStream<Path> top, Path realRoot, String relative) throws IOException {
        Deque<SecureDirectoryStream<Path>> dirs = new ArrayDeque<>();
        List<String> at = new ArrayList<>(); // the physical folders below the root, one per element of dirs
        Deque<String> pending = new ArrayDeque<>(List.of(relative.split("/")));
        int links = 0;
        try {
            while (true) {
                String part = pending.pollFirst();
                if (part.isEmpty() || part.equals(".")) {
                    continue; // only a link target brings these
                }
                if (part.equals("..")) {
                    if (at.isEmpty()) {
                        return Verdict.refuse(Refusal.accessViolation("symlink points outside the root"));
                    }
                    dirs.pop().close();
                    at.remove(at.size() - 1);
                    continue;
                }
                SecureDirectoryStream<Path> dir = dirs.isEmpty() ? top : dirs.peek();
                BasicFileAttributes a = attributes(dir, part);
                if (a == null && caseInsensitive) {
                    String match = matchIgnoringCase(dir, part);
                    if (match != null) {
                        part = match;
                        a = attributes(dir, part);
                    }
                }
                if (a == null) {
                    return Verdict.refuse(Refusal.notFound());
                }
                if (a.isSymbolicLink()) {
                    if (symlinks == SymlinkPolicy.NEVER) {
                        return Verdict.refuse(Refusal.accessViolation("symlinks are not followed"));
                    }
                    if (++links > MAX_LINKS) {
                        return Verdict.refuse(Refusal.accessViolation("too many levels of symlinks"));
                    }
                    // The link's text is only read here; whatever it says is walked under the same rules.
                    Path target;
                    try {
                        target = Files.readSymbolicLink(realRoot.resolve(String.join("/", at)).resolve(part));
                    } catch (NoSuchFileException | java.nio.file.NotLinkException e) {
                        throw new NameChanged();
                    }
                    List<String> parts = new ArrayList<>();
                    if (target.isAbsolute()) {
                        Path within = within(target, realRoot);
                        if (within == null) {
                            return Verdict.refuse(Refusal.accessViolation("symlink points outside the root"));
                        }
                        while (!dirs.isEmpty()) {
                            dirs.pop().close();
                        }
                        at.clear();
                        within.forEach(p -> parts.add(p.toString()));
                    } else {
                        target.forEach(p -> parts.add(p.toString()));
                    }
                    for (int i = parts.size() - 1; i >= 0; i--) {
                        pending.addFirst(parts.get(i));
                    }
                    continue;
                }
                if (!pending.isEmpty()) {
                    if (!a.isDirectory()) {
                        return Verdict.refuse(Refusal.notFound());
                    }
                    dirs.push(openFolder(dir, part));
                    at.add(part);
                    continue;
                }
                if (!a.isRegularFile()) {
                    return Verdict.refuse(Refusal.accessViolation("not a regular file"));
                }
                return Verdict.grant(openRegular(dir, part, a, realRoot.resolve(String.join("/", at)).resolve(part)));
            }
        } finally {
            for (SecureDirectoryStream<Path> d : dirs) {
                d.close();
            }
        }
    }

    /** The part of an absolute link target below the root, named by its configured or its real path. */
    private Path within(Path target, Path realRoot) {
        for (Path base : List.of(realRoot, root)) {
            if (target.startsWith(base)) {
                return target.getNameCount() == base.getNameCount() ? Path.of("") : target.subpath(
                        base.getNameCount(), target.getNameCount());
            }
        }
        return null;
    }

    static BasicFileAttributes attributes(SecureDirectoryStream<Path> dir, String name) throws IOException {
        try {
            return dir.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static SecureDirectoryStream<Path> openFolder(SecureDirectoryStream<Path> dir, String name)
            throws IOException {
        try {
            return dir.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException | AccessDeniedException e) {
            throw e;
        } catch (FileSystemException e) {
            throw new NameChanged(); // a link or a file now (ELOOP, ENOTDIR)
        }
    }

    private static OpenFile openRegular(SecureDirectoryStream<Path> dir, String name, BasicFileAttributes checked,
                                        Path path) throws IOException {
        SeekableByteChannel ch;
        try {
            ch = dir.newByteChannel(Path.of(name), READ_NO_FOLLOW);
        } catch (NoSuchFileException | AccessDeniedException e) {
            throw e;
        } catch (FileSystemException e) {
            throw new NameChanged(); // swapped for a link since the check (ELOOP)
        }
        if (!(ch instanceof FileChannel fc)) {
            ch.close();
            throw new IOException("no positional reads on this platform");
        }
        BasicFileAttributes now = attributes(dir, name);
        if (now == null || !Objects.equals(now.fileKey(), checked.fileKey())) {
            fc.close();
            throw new NameChanged(); // another file took the name between the check and the open
        }
        Object key = checked.fileKey() == null ? path : checked.fileKey();
        return new OpenFile(fc, path, key, fc.size(), now.lastModifiedTime().toMillis());
    }

    private static String matchIgnoringCase(SecureDirectoryStream<Path> dir, String name) throws IOException {
        String wanted = name.toLowerCase(Locale.ROOT);
        try (DirectoryStream<Path> list = dir.newDirectoryStream(Path.of("."), LinkOption.NOFOLLOW_LINKS)) {
            for (Path p : list) {
                String candidate = p.getFileName().toString();
                if (candidate.toLowerCase(Locale.ROOT).equals(wanted)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** Where no secure directory stream exists: resolve and check, open without following, check again. */
    private Verdict<OpenFile> openByPath(Path realRoot, String relative) throws IOException {
        Path candidate = realRoot.resolve(relative).normalize();
        if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS) && caseInsensitive) {
            candidate = byPathIgnoringCase(realRoot, relative);
        }
        if (candidate == null || !Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
            return Verdict.refuse(Refusal.notFound());
        }
        Path real = candidate.toRealPath();
        if (!real.startsWith(realRoot)) {
            return Verdict.refuse(Refusal.accessViolation("symlink points outside the root"));
        }
        if (symlinks == SymlinkPolicy.NEVER && !real.equals(candidate)) {
            return Verdict.refuse(Refusal.accessViolation("symlinks are not followed"));
        }
        BasicFileAttributes before = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!before.isRegularFile()) {
            return Verdict.refuse(Refusal.accessViolation("not a regular file"));
        }
        FileChannel ch = FileChannel.open(real, READ_NO_FOLLOW);
        BasicFileAttributes after = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!real.toRealPath().equals(real) || !Objects.equals(before.fileKey(), after.fileKey())) {
            ch.close();
            return Verdict.refuse(Refusal.accessViolation("name kept changing while being opened"));
        }
        Object key = before.fileKey() == null ? real : before.fileKey();
        return Verdict.grant(new OpenFile(ch, real, key, ch.size(), after.lastModifiedTime().toMillis()));
    }

    private static Path byPathIgnoringCase(Path realRoot, String relative) throws IOException {
        Path current = realRoot;
        for (String part : relative.split("/")) {
            Path exact = current.resolve(part);
            if (Files.exists(exact, LinkOption.NOFOLLOW_LINKS)) {
                current = exact;
                continue;
            }
            Path match = null;
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(current)) {
                for (Path p : dir) {
                    if (p.getFileName().toString().equalsIgnoreCase(part)) {
                        match = p;
                        break;
                    }
                }
            } catch (IOException e) {
                return null;
            }
            if (match == null) {
                return null;
            }
            current = match;
        }
        return current;
    }

    /**
     * A folder beneath the root, held open while files are created and renamed in it (the upload inbox). No
     * link is followed on the way: an inbox folder that became a link refuses the upload.
     */
    public Folder folder(List<String> parts) throws IOException {
        return OpenFolders.open(root, parts);
    }

    /** Files created, renamed and deleted inside one folder, by name. */
    public interface Folder extends Closeable {
        /** Where the folder is, for logs and tests inside the server. */
        Path path();

        /** A new file for writing; fails if the name exists (never follows a link). */
        FileChannel create(String name) throws IOException;

        /** Renames within the folder; without {@code replace}, an existing target fails the rename. */
        void rename(String from, String to, boolean replace) throws IOException;

        void delete(String name) throws IOException;
    }
}
