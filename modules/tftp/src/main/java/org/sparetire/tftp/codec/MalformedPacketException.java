package org.sparetire.tftp.codec;

/** Bytes that are not a TFTP packet; {@link #offset()} points at the first byte that could not be accepted. */
public class MalformedPacketException extends Exception {
    /** Why a packet was rejected; tests assert the specific reason for each malformed vector. */
    public enum Reason {
        /** Fewer bytes than the opcode needs (e.g. an ACK of 3 bytes). */
        TRUNCATED,
        UNKNOWN_OPCODE,
        /** A string field (filename, mode, option name or value) runs to the end of the datagram. */
        MISSING_NUL,
        EMPTY_FILENAME,
        UNKNOWN_MODE,
        /** An option name with nothing after it. */
        OPTION_WITHOUT_VALUE,
        /** The same option twice (names compare case-insensitively). */
        DUPLICATE_OPTION,
        EMPTY_OPTION_NAME,
        /** blksize, timeout, tsize or windowsize whose value is not a decimal number. */
        BAD_OPTION_VALUE,
        /** DATA larger than 65464 bytes (RFC 2348). */
        OVERSIZE
    }

    private final Reason reason;
    private final int offset;

    public MalformedPacketException(Reason reason, int offset) {
        super(reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " at offset " + offset);
        this.reason = reason;
        this.offset = offset;
    }

    public Reason reason() {
        return reason;
    }

    public int offset() {
        return offset;
    }
}
