package org.sparetire.tftp.policy;

import java.nio.file.Path;

/**
 * Maps a client's name to a readable file under one root, or refuses. The name is cleaned first (no
 * {@code ..}, control characters or drive letters: fbtftp's os.path.join and dnsmasq's strstr("/../") are
 * the smells this avoids), then opened one name at a time beneath the root by {@link BeneathRoot}, so a
 * symlink swapped in after a check cannot lead out.
 */
public final class PathJail {
    private final Path root;
    private final SymlinkPolicy symlinks;
    private final boolean caseInsensitive;
    private final int maxNameLength;
    private final BeneathRoot beneath;

    public PathJail(Path root, SymlinkPolicy symlinks, boolean caseInsensitive, int maxNameLength) {
        this.root = root.toAbsolutePath().normalize();
        this.symlinks = symlinks;
        this.caseInsensitive = caseInsensitive;
        this.maxNameLength = maxNameLength;
        this.beneath = new BeneathRoot(this.root, symlinks, caseInsensitive);
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

    /**
     * Opens a regular, readable file inside the root, or says why not. What is opened is what was checked:
     * see {@link BeneathRoot}.
     */
    public Verdict<BeneathRoot.OpenFile> openForRead(String requested) {
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
        return beneath.openFile(relative.value());
    }
}
