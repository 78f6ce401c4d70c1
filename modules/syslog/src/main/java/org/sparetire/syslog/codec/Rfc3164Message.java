package org.sparetire.syslog.codec;

import java.time.Instant;

/**
 * A BSD-style message (RFC 3164 section 4.1) as real devices send it.
 *
 * @param sequence  the Cisco IOS sequence number ({@code <189>123: ...}), or null
 * @param timestamp the device time read as UTC when it gave no offset; the year of a yearless timestamp
 *                  comes from the receive time; null when the message had none
 * @param unsynced  Cisco's {@code *} (clock never set) or {@code .} (lost sync) before the timestamp
 */
public record Rfc3164Message(int facility, int severity, String sequence, Instant timestamp, boolean unsynced,
                             String hostname, String app, String procId, String message) implements SyslogMessage {
}
