package org.sparetire.tftp.session;

import java.io.IOException;

/** Disk full or the upload size limit reached: answered with ERROR 3 (RFC 1350). */
public class SinkFullException extends IOException {
    public SinkFullException(String message) {
        super(message);
    }
}
