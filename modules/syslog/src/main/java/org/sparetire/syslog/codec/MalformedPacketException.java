package org.sparetire.syslog.codec;

/**
 * Input that a strict parser or the TCP framer cannot accept. The syslog chain catches it and falls back to
 * the next, more lenient parser, so a message is never lost; only a lying TCP frame closes its connection.
 */
public final class MalformedPacketException extends Exception {
    private final String reason;
    private final int offset;

    public MalformedPacketException(String reason, int offset) {
        super(reason + " at offset " + offset);
        this.reason = reason;
        this.offset = offset;
    }

    /** What was wrong, without the offset: stable text that tests assert on. */
    public String reason() {
        return reason;
    }

    /** Byte offset of the problem from the start of the message or frame. */
    public int offset() {
        return offset;
    }
}
