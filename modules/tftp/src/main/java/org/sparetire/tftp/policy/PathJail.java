package org.sparetire.tftp.policy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps a client's name to a readable file under one root, or refuses. Follows STYLE.md: resolve, normalize,
 * {@code startsWith(root)}, then {@code toRealPath()} against symlink escapes (fbtftp's os.path.join and
 * dnsmasq's strstr("/../") are the smells this avoids).
 */
public final class PathJail {
    private final Path root;
    private final SymlinkPolicy symlinks;
    private final boolean caseInsensitive;
    private final int maxNameLength;

    public PathJail(Path root, SymlinkPolicy symlinks, boolean caseInsensitive, int maxNameLength) {
        this.root = root.toAbsolutePath().normalize();
        this.symlinks = symlinks;
        this.caseInsensitive = caseInsensitive;
        this.maxNameLength = maxNameLength;
    }

    public Path root() {
        return root;
    }

    public SymlinkPolicy symlinks() {
        return symlinks;
    }

    public boolean caseInsensitive() {
        return caseInsensitive;
    }

    public int maxNameLength() {
        return maxNameLength;
    }

    /** A regular, readable file inside the root, or the refusal to send. */
    public Verdict<Path> resolveForRead(String requested) {
        String name = requested;
        // Clients that send the server's absolute path ("/srv/tftp/pxelinux.0") mean the file under the root.
        String rootText = root.toString() + "/";
        if (name.startsWith(rootText)) {
            name = name.substring(rootText.length());
        }
        Verdict<String> relative = FileNames.relativize(name, maxNameLength);
        if (!relative.granted()) {
            return Verdict.refuse(relative.refusal());
        }
        Path candidate = root.resolve(relative.value()).normalize();
        if (!candidate.startsWith(root)) {
            return Verdict.refuse(Refusal.accessViolation("name escapes the root"));
        }
        if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS) && caseInsensitive) {
            Optional<Path> found = findIgnoringCase(relative.value());
            if (found.isPresent()) {
                candidate = found.get();
            }
        }
        if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
            return Verdict.refuse(Refusal.notFound());
        }
        Path real;
        Path realRoot;
        try {
            realRoot = root.toRealPath();
            real = candidate.toRealPath();
        } catch (IOException e) {
            // A dangling symlink, or a component vanished between the checks.
            return Verdict.refuse(Refusal.notFound());
        }
        if (!real.startsWith(realRoot)) {
            return Verdict.refuse(Refusal.accessViolation("symlink points outside the root"));
        }
        if (symlinks == SymlinkPolicy.NEVER && !real.equals(realRoot.resolve(root.relativize(candidate)))) {
            return Verdict.refuse(Refusal.accessViolation("symlinks are not followed"));
        }
        if (!Files.isRegularFile(real)) {
            return Verdict.refuse(Refusal.accessViolation("not a regular file"));
        }
        if (!Files.isReadable(real)) {
            return Verdict.refuse(Refusal.accessViolation("file not readable by the server"));
        }
        return Verdict.grant(real);
    }

    /** Walks the relative path one component at a time, matching names regardless of case. */
    private Optional<Path> findIgnoringCase(String relative) {
        Path current = root;
        for (String part : relative.split("/")) {
            Path exact = current.resolve(part);
            if (Files.exists(exact, LinkOption.NOFOLLOW_LINKS)) {
                current = exact;
                continue;
            }
            Path match = null;
            String wanted = part.toLowerCase(Locale.ROOT);
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(current)) {
                for (Path p : dir) {
                    if (p.getFileName().toString().toLowerCase(Locale.ROOT).equals(wanted)) {
                        match = p;
                        break;
                    }
                }
            } catch (IOException e) {
                return Optional.empty();
            }
            if (match == null) {
                return Optional.empty();
            }
            current = match;
        }
        return Optional.of(current);
    }
}
