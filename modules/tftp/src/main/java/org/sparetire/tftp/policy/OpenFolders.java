package org.sparetire.tftp.policy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;

/**
 * Folders beneath a root held open while files are created, renamed and deleted in them (the upload
 * inbox), through a secure directory stream where the platform has one, so a folder swapped for a link
 * after it was opened changes nothing; by path where it has none.
 */
final class OpenFolders {
    private OpenFolders() {
    }

    static BeneathRoot.Folder open(Path root, List<String> parts) throws IOException {
        Path realRoot = Files.createDirectories(root).toRealPath();
        DirectoryStream<Path> top = Files.newDirectoryStream(realRoot);
        if (!(top instanceof SecureDirectoryStream<Path> secure)) {
            top.close();
            Path path = realRoot;
            for (String part : parts) {
                path = path.resolve(part);
                try {
                    Files.createDirectory(path);
                } catch (FileAlreadyExistsException e) {
                    // already there; checked below
                }
            }
            if (!path.toRealPath().equals(path)) {
                throw new FileSystemException(part(parts), null, "a folder of the inbox is a symlink");
            }
            return new PathFolder(path);
        }
        SecureDirectoryStream<Path> dir = secure;
        Path path = realRoot;
        try {
            for (String part : parts) {
                path = path.resolve(part);
                try {
                    Files.createDirectory(path);
                } catch (FileAlreadyExistsException e) {
                    // already there; opened without following below
                }
                SecureDirectoryStream<Path> next;
                try {
                    next = dir.newDirectoryStream(Path.of(part), LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException | AccessDeniedException e) {
                    throw e;
                } catch (FileSystemException e) {
                    throw new FileSystemException(part(parts), null, "a folder of the inbox is a symlink");
                }
                dir.close();
                dir = next;
            }
        } catch (IOException e) {
            dir.close();
            throw e;
        }
        return new SecureFolder(dir, path);
    }

    private static String part(List<String> parts) {
        return String.join("/", parts);
    }

    private record SecureFolder(SecureDirectoryStream<Path> dir, Path path) implements BeneathRoot.Folder {
        @Override
        public FileChannel create(String name) throws IOException {
            SeekableByteChannel ch = dir.newByteChannel(Path.of(name),
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
            if (ch instanceof FileChannel fc) {
                return fc;
            }
            ch.close();
            throw new IOException("no file channel on this platform");
        }

        @Override
        public void rename(String from, String to, boolean replace) throws IOException {
            // renameat(2) replaces silently; without replace, look first, as Files.move does.
            if (!replace && BeneathRoot.attributes(dir, to) != null) {
                throw new FileAlreadyExistsException(to);
            }
            dir.move(Path.of(from), dir, Path.of(to));
        }

        @Override
        public void delete(String name) throws IOException {
            dir.deleteFile(Path.of(name));
        }

        @Override
        public void close() throws IOException {
            dir.close();
        }
    }

    private record PathFolder(Path path) implements BeneathRoot.Folder {
        @Override
        public FileChannel create(String name) throws IOException {
            return FileChannel.open(path.resolve(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }

        @Override
        public void rename(String from, String to, boolean replace) throws IOException {
            if (replace) {
                try {
                    Files.move(path.resolve(from), path.resolve(to), StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                    Files.move(path.resolve(from), path.resolve(to), StandardCopyOption.REPLACE_EXISTING);
                }
            } else {
                Files.move(path.resolve(from), path.resolve(to));
            }
        }

        @Override
        public void delete(String name) throws IOException {
            Files.deleteIfExists(path.resolve(name));
        }

        @Override
        public void close() {
        }
    }
}
