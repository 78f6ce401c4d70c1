package org.sparetire.syslog.codec;

import java.time.Instant;

/**
 * The parser chain, as rsyslog runs it: strict RFC 5424 first, then lenient RFC 3164, then raw. It never
 * rejects: every datagram or frame becomes exactly one {@link SyslogMessage}.
 */
public final class SyslogParser {
    private SyslogParser() {
    }

    public static SyslogMessage parse(byte[] b, Instant receivedAt) {
        return parse(b, 0, b.length, receivedAt);
    }

    /**
     * @param receivedAt the receive time; it gives the year to yearless RFC 3164 timestamps
     */
    public static SyslogMessage parse(byte[] b, int off, int len, Instant receivedAt) {
        int start = off;
        int end = off + len;
        // Trailing NUL, CR and LF come from C senders that count the terminator or use LF framing over UDP.
        while (end > start && (b[end - 1] == 0 || b[end - 1] == '\n' || b[end - 1] == '\r')) {
            end--;
        }
        while (start < end && (b[start] == ' ' || b[start] == '\n' || b[start] == '\r' || b[start] == 0)) {
            start++;
        }
        int pri = Rfc5424Parser.priority(b, start, end);
        if (pri < 0) {
            return RawMessage.of(Text.decode(b, start, end - start));
        }
        int afterPri = start + 1;
        while (b[afterPri] != '>') {
            afterPri++;
        }
        afterPri++;
        if (afterPri + 1 < end && b[afterPri] == '1' && b[afterPri + 1] == ' ') {
            try {
                return Rfc5424Parser.parse(b, start, end - start);
            } catch (MalformedPacketException e) {
                // Not strict RFC 5424 after all: the lenient parser gets its turn, as with rsyslog's
                // RS_RET_COULD_NOT_PARSE.
            }
        }
        return Rfc3164Parser.parse(pri, Text.decode(b, afterPri, end - afterPri), receivedAt);
    }
}
