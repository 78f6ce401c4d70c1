package org.sparetire.tftp.policy;

/** What an upload does when a file of that name already exists in the inbox. */
public enum ExistingUpload {
    /** {@code <inbox>/<client>/<name>.<UTC timestamp>}: every upload kept, per device (default). */
    KEEP_VERSIONS,
    /** {@code <inbox>/<name>} replaced atomically. */
    OVERWRITE,
    /** {@code <inbox>/<name>}; an existing file refuses the upload with ERROR 6. */
    REFUSE
}
