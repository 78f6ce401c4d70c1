package org.sparetire.tftp.policy;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.sparetire.tftp.session.BlockSink;
import org.sparetire.tftp.session.SinkFullException;

/**
 * Where uploads (WRQ) land: a backup inbox, not the boot tree. Every upload is written to a temporary file
 * beside its destination and renamed into place only when the last block arrived, so an aborted, timed-out
 * or disk-full upload leaves nothing behind and never damages an existing file.
 */
public final class UploadInbox {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** The longest single name Linux, macOS and Windows file systems hold (bytes; UTF-16 units on NTFS). */
    static final int NAME_MAX = 255;
    /** What keep-versions appends: ".20260304T050607Z" and at most "-1000" for same-second uploads. */
    private static final int VERSION_ROOM = ".yyyyMMddTHHmmssZ-1000".length();
    /** Shown to a client whose upload name has anything else in it. */
    static final String SAFE_NAME_RULE = "upload names may use only letters, digits, '.', '_' and '-'";

    private final Path dir;
    private final ExistingUpload existing;
    private final long maxSize;
    private final List<String> extensions;
    private final List<String> folders;
    private final int maxNameLength;
    private final BeneathRoot inboxRoot;

    /**
     * @param extensions allowed extensions with the dot, lower case; empty allows any
     * @param folders    sub-folders a name may go into ("phones", "switches/core"); empty allows only plain names
     */
    public UploadInbox(Path dir, ExistingUpload existing, long maxSize, List<String> extensions, List<String> folders,
                       int maxNameLength) {
        this.dir = dir.toAbsolutePath().normalize();
        this.existing = existing;
        this.maxSize = maxSize;
        this.extensions = extensions.stream().map(e -> e.toLowerCase(Locale.ROOT)).toList();
        this.folders = List.copyOf(folders);
        this.maxNameLength = maxNameLength;
        this.inboxRoot = new BeneathRoot(this.dir, SymlinkPolicy.NEVER, false);
    }

    public long maxSize() {
        return maxSize;
    }

    public Path dir() {
        return dir;
    }

    /** A planned upload: where it will land once complete. */
    public record Upload(String relativeName, Path target, ExistingUpload existing) {
    }

    /**
     * Checks name, folder, extension and announced size (tsize, or -1) and picks the destination.
     */
    public Verdict<Upload> plan(String requested, InetAddress client, long announcedSize, Instant now) {
        Verdict<String> rel = FileNames.relativize(requested, maxNameLength);
        if (!rel.granted()) {
            return Verdict.refuse(rel.refusal());
        }
        String name = rel.value();
        int slash = name.lastIndexOf('/');
        String folder = slash < 0 ? "" : name.substring(0, slash);
        if (!folder.isEmpty() && !folders.contains(folder)) {
            return Verdict.refuse(Refusal.accessViolation("uploads to folder '" + folder + "' are not allowed"));
        }
        String fileName = name.substring(slash + 1);
        String unsafe = unsafeCharacter(fileName);
        if (unsafe != null) {
            return Verdict.refuse(new Refusal(2, SAFE_NAME_RULE, unsafe));
        }
        if (!extensions.isEmpty()
                && FileNames.extension(name).map(e -> !extensions.contains(e)).orElse(true)) {
            return Verdict.refuse(Refusal.accessViolation("upload extension not allowed"));
        }
        if (announcedSize > maxSize) {
            return Verdict.refuse(new Refusal(3, "file too large",
                    "announced size " + announcedSize + " exceeds the limit of " + maxSize));
        }
        if (announcedSize > 0) {
            try {
                Files.createDirectories(dir);
                long usable = Files.getFileStore(dir).getUsableSpace();
                if (announcedSize > usable) {
                    return Verdict.refuse(new Refusal(3, "disk full or allocation exceeded",
                            "announced size " + announcedSize + " exceeds free space " + usable));
                }
            } catch (IOException e) {
                return Verdict.refuse(new Refusal(0, "upload failed", "inbox unavailable: " + e.getMessage()));
            }
        }
        String folderPrefix = folder.isEmpty() ? "" : folder + "/";
        Path target = switch (existing) {
            case KEEP_VERSIONS -> dir.resolve(clientFolder(client))
                    .resolve(folderPrefix + storedName(fileName, VERSION_ROOM) + "." + STAMP.format(now));
            case OVERWRITE, REFUSE -> dir.resolve(folderPrefix + storedName(fileName, 0));
        };
        target = target.normalize();
        if (!target.startsWith(dir)) {
            return Verdict.refuse(Refusal.accessViolation("name escapes the inbox"));
        }
        if (existing == ExistingUpload.REFUSE && Files.exists(target)) {
            return Verdict.refuse(new Refusal(6, "file already exists", "file already exists"));
        }
        return Verdict.grant(new Upload(name, target, existing));
    }

    /**
     * Why a file name is outside the safe set, or null. Names end up in operators' shells and scripts, so
     * only letters, digits, '.', '_' and '-' pass, and a name may not start with '.' (hidden, and the
     * temporary files' prefix) or '-' (read as an option by most commands).
     */
    static String unsafeCharacter(String fileName) {
        char first = fileName.charAt(0);
        if (first == '.' || first == '-') {
            return "upload name starts with '" + first + "'";
        }
        for (int i = 0; i < fileName.length(); i++) {
            char c = fileName.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!safe) {
                return String.format(Locale.ROOT, "unsafe character U+%04X in upload name", (int) c);
            }
        }
        return null;
    }

    /**
     * The name as stored: unchanged when it and {@code room} more bytes fit one file system name; else its
     * start, '~' and 8 hex digits of its SHA-256 (so distinct long names stay distinct), and its extension.
     * Safe names are ASCII, so characters are bytes.
     */
    static String storedName(String fileName, int room) {
        if (fileName.length() + room <= NAME_MAX) {
            return fileName;
        }
        int dot = fileName.lastIndexOf('.');
        String ext = dot > 0 && fileName.length() - dot <= 16 ? fileName.substring(dot) : "";
        String hash;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(fileName.getBytes(StandardCharsets.US_ASCII));
            hash = HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        int keep = NAME_MAX - room - 1 - hash.length() - ext.length();
        return fileName.substring(0, keep) + "~" + hash + ext;
    }

    /** {@code 192.0.2.7} or, for IPv6, the address with ':' as '-' so the folder name works on every OS. */
    static String clientFolder(InetAddress client) {
        String text = client.getHostAddress();
        if (client instanceof Inet6Address) {
            int pct = text.indexOf('%');
            text = (pct >= 0 ? text.substring(0, pct) : text).replace(':', '-');
        }
        return text;
    }

    /**
     * Opens the temporary file for a planned upload. The folders on the way are opened without following
     * links and held open until the upload ends, so the file is created and renamed where it was planned.
     */
    public FileUpload open(Upload upload) throws IOException {
        List<String> parts = new ArrayList<>();
        dir.relativize(upload.target().getParent()).forEach(p -> parts.add(p.toString()));
        if (parts.size() == 1 && parts.get(0).isEmpty()) {
            parts.clear();
        }
        BeneathRoot.Folder folder = inboxRoot.folder(parts);
        // Short and fixed in length, so any name the limit allows also has a temporary name that fits.
        String temp = ".part-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try {
            return new FileUpload(upload, folder, temp, folder.create(temp));
        } catch (IOException e) {
            folder.close();
            throw e;
        }
    }

    /** The temporary file of one upload; {@link #commit} renames it into place. */
    public static final class FileUpload implements BlockSink {
        private final Upload upload;
        private final BeneathRoot.Folder folder;
        private final String temp;
        private final FileChannel channel;
        /** Blocks are written 128 KiB at a time: one system call per ~90 blocks of 1468 bytes, not per block. */
        private final GatheredWrites writes;
        private Path committedAs;
        private boolean done;

        FileUpload(Upload upload, BeneathRoot.Folder folder, String temp, FileChannel channel) {
            this.upload = upload;
            this.folder = folder;
            this.temp = temp;
            this.channel = channel;
            this.writes = new GatheredWrites(channel, 128 * 1024);
        }

        public Path temp() {
            return folder.path().resolve(temp);
        }

        /** Where the upload finally landed (versions may add a suffix), or null before commit. */
        public Path committedAs() {
            return committedAs;
        }

        @Override
        public Optional<String> savedAs() {
            return Optional.ofNullable(committedAs).map(Path::toString);
        }

        @Override
        public void write(ByteBuffer payload) throws IOException {
            try {
                writes.append(payload);
            } catch (IOException e) {
                throw classify(e);
            }
        }

        @Override
        public void commit() throws IOException {
            try {
                writes.flush();
                channel.force(false);
                channel.close();
            } catch (IOException e) {
                abort();
                throw classify(e);
            }
            String target = upload.target().getFileName().toString();
            try {
                switch (upload.existing()) {
                    case OVERWRITE -> folder.rename(temp, target, true);
                    case REFUSE -> {
                        try {
                            folder.rename(temp, target, false);
                        } catch (FileAlreadyExistsException e) {
                            abort();
                            throw new IOException("file appeared while uploading");
                        }
                    }
                    case KEEP_VERSIONS -> {
                        // Two uploads from one device in the same second: keep both, as name.stamp-2, -3, ...
                        for (int n = 1; ; n++) {
                            String candidate = n == 1 ? target : target + "-" + n;
                            try {
                                folder.rename(temp, candidate, false);
                                target = candidate;
                                break;
                            } catch (FileAlreadyExistsException e) {
                                if (n >= 1000) {
                                    abort();
                                    throw e;
                                }
                            }
                        }
                    }
                }
            } catch (IOException e) {
                abort();
                throw e;
            }
            committedAs = folder.path().resolve(target);
            done = true;
            closeFolder();
        }

        @Override
        public void abort() {
            if (done) {
                return;
            }
            done = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // the file is deleted next; nothing of it must survive
            }
            try {
                folder.delete(temp);
            } catch (IOException ignored) {
                // best effort: a leftover .part file is hidden and never served
            }
            closeFolder();
        }

        private void closeFolder() {
            try {
                folder.close();
            } catch (IOException ignored) {
                // a directory descriptor opened only for reading
            }
        }

        private static IOException classify(IOException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("no space left") || m.contains("disk quota") || m.contains("not enough space")) {
                return new SinkFullException(e.getMessage());
            }
            return e;
        }
    }
}
