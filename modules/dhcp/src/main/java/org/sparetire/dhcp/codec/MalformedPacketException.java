package org.sparetire.dhcp.codec;

/** A datagram that is not a usable DHCP/BOOTP message; {@link #offset()} points at the offending byte. */
public final class MalformedPacketException extends Exception {
    private final String reason;
    private final int offset;

    public MalformedPacketException(String reason, int offset) {
        super(reason + " at offset " + offset);
        this.reason = reason;
        this.offset = offset;
    }

    /** A short stable phrase such as {@code "bad magic cookie"}; tests assert on it. */
    public String reason() {
        return reason;
    }

    public int offset() {
        return offset;
    }
}
