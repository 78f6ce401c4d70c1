package org.sparetire.syslog.codec;

import java.time.Instant;

/**
 * One received syslog message, as far as it could be understood. The parser chain tries RFC 5424 strictly,
 * then RFC 3164 leniently, and keeps anything else as {@link RawMessage}, so every datagram or frame
 * becomes exactly one message.
 */
public sealed interface SyslogMessage permits Rfc5424Message, Rfc3164Message, RawMessage {

    /** 0..23, or -1 when the message carried no valid priority. */
    int facility();

    /** 0..7, or -1 when the message carried no valid priority. */
    int severity();

    /** The sender's own timestamp, or null when it sent none (the store files by receive time anyway). */
    Instant timestamp();

    /** HOSTNAME as the message says, or null. */
    String hostname();

    /** APP-NAME (RFC 5424) or TAG (RFC 3164), or null. */
    String app();

    /** PROCID or the pid in {@code tag[pid]:}, or null. */
    String procId();

    /** The free-form text; invalid UTF-8 and control characters escaped (see {@link Text}). */
    String message();

    default boolean hasPriority() {
        return facility() >= 0;
    }

    /** PRI = facility * 8 + severity (RFC 5424 section 6.2.1), or -1. */
    default int priority() {
        return hasPriority() ? facility() * 8 + severity() : -1;
    }
}
