package org.sparetire.tftp.codec;

import java.util.Objects;

/** An ERROR packet: ends the transfer (RFC 1350 section 7). */
public record ErrorPacket(int code, String message) implements TftpPacket {
    /** RFC 1350 appendix error codes, plus 8 from RFC 2347. */
    public static final int NOT_DEFINED = 0;
    public static final int FILE_NOT_FOUND = 1;
    public static final int ACCESS_VIOLATION = 2;
    public static final int DISK_FULL = 3;
    public static final int ILLEGAL_OPERATION = 4;
    public static final int UNKNOWN_TID = 5;
    public static final int FILE_EXISTS = 6;
    public static final int NO_SUCH_USER = 7;
    public static final int OPTION_REFUSED = 8;

    public ErrorPacket {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("error code out of range: " + code);
        }
        Objects.requireNonNull(message);
    }

    @Override
    public int opcode() {
        return OP_ERROR;
    }
}
