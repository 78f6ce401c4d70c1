package org.sparetire.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.sparetire.web.ApplianceControl.SharedFile;
import org.sparetire.web.ApplianceControl.SharedFiles;

/**
 * The TFTP root as the dashboard's Files view shows it: the regular files a device can fetch, by their
 * name under the root, and a file's SHA-256. Symlinks count only when their target stays inside the root,
 * as the TFTP server's own path jail has it; nothing here writes.
 */
final class SharedFolder {
    /** Deeper trees are not boot folders; the walk stops there rather than crawl a mounted disk. */
    private static final int MAX_DEPTH = 8;

    private SharedFolder() {
    }

    static SharedFiles list(Path root, int limit) throws IOException {
        Path realRoot = root.toRealPath();
        List<SharedFile> files = new ArrayList<>();
        boolean[] truncated = {false};
        Files.walkFileTree(realRoot, EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_DEPTH,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        Optional<Path> target = attrs.isSymbolicLink() ? inside(realRoot, file) : Optional.of(file);
                        if (target.isEmpty() || !Files.isRegularFile(target.get())) {
                            return FileVisitResult.CONTINUE;
                        }
                        if (files.size() >= limit) {
                            truncated[0] = true;
                            return FileVisitResult.TERMINATE;
                        }
                        try {
                            BasicFileAttributes a = Files.readAttributes(target.get(), BasicFileAttributes.class);
                            files.add(new SharedFile(name(realRoot, file), a.size(), a.lastModifiedTime().toInstant()));
                        } catch (IOException e) {
                            // Gone or unreadable since the listing saw it: not offered.
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE;
                    }
                });
        files.sort(Comparator.comparing(SharedFile::name));
        return new SharedFiles(files, truncated[0]);
    }

    /** The SHA-256 of the file a device asking for {@code name} would get; empty when there is none. */
    static Optional<String> sha256(Path root, String name) throws IOException {
        Path realRoot = root.toRealPath();
        Path candidate = realRoot.resolve(name.replace('\\', '/').replaceAll("^/+", "")).normalize();
        if (!candidate.startsWith(realRoot)) {
            return Optional.empty();
        }
        Optional<Path> file = inside(realRoot, candidate).filter(Files::isRegularFile);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file.get())) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return Optional.of(HexFormat.of().formatHex(sha.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The path's real target, when it exists and stays inside the root. */
    private static Optional<Path> inside(Path realRoot, Path path) {
        try {
            Path real = path.toRealPath();
            return real.startsWith(realRoot) ? Optional.of(real) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String name(Path realRoot, Path file) {
        return realRoot.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }
}
