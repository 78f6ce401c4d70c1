package org.sparetire.tftp.policy;

/** What a symbolic link under the root may do. None of the classic servers documents this; we do. */
public enum SymlinkPolicy {
    /** Followed only when the real target stays inside the root (default). */
    INSIDE_ROOT,
    /** Never followed: a name whose path crosses any symlink is refused. */
    NEVER
}
