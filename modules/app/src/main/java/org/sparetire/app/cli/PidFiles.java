package org.sparetire.app.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a running sparetire leaves its process id, and beside it the verdict of its last reload. The
 * default name is per config (the file's path, or the working directory for the embedded default), so
 * two instances on two configs never take each other's file and {@code reload -c FILE} finds the right one.
 */
final class PidFiles {
    private PidFiles() {
    }

    static Path defaultFor(Path configFile) {
        String identity = configFile == null ? "embedded:" + Path.of("").toAbsolutePath()
                : configFile.toAbsolutePath().normalize().toString();
        String stem = configFile == null ? "default"
                : configFile.getFileName().toString().replaceFirst("\\.ya?ml$", "").replaceAll("[^A-Za-z0-9._-]", "_");
        return runtimeDir().resolve("sparetire-" + stem + "-" + shortHash(identity) + ".pid");
    }

    /** The reload verdict file of a pid file: {@code NAME.pid.reload}. */
    static Path verdictFile(Path pidFile) {
        return pidFile.resolveSibling(pidFile.getFileName() + ".reload");
    }

    /** $XDG_RUNTIME_DIR when the session has one (private to the user), else the temp folder. */
    private static Path runtimeDir() {
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank() && Files.isDirectory(Path.of(xdg)) && Files.isWritable(Path.of(xdg))) {
            return Path.of(xdg);
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
