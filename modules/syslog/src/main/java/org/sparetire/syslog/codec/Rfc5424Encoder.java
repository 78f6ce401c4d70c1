package org.sparetire.syslog.codec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Re-encodes any received message as RFC 5424 for forwarding, so an upstream collector gets one clean
 * format whatever the device sent. Missing priority becomes user.notice (RFC 3164 section 4.3.3), a missing
 * hostname becomes the sender's address and a missing timestamp the receive time.
 */
public final class Rfc5424Encoder {
    /** TIME-SECFRAC allows six digits (RFC 5424 section 6.2.3). */
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX")
            .withZone(ZoneOffset.UTC);
    private static final int DEFAULT_PRI = 13;

    private Rfc5424Encoder() {
    }

    public static byte[] encode(SyslogMessage m, Instant receivedAt, String senderHost) {
        StringBuilder sb = new StringBuilder(64 + m.message().length());
        sb.append('<').append(m.hasPriority() ? m.priority() : DEFAULT_PRI).append(">1 ");
        sb.append(STAMP.format(m.timestamp() != null ? m.timestamp() : receivedAt)).append(' ');
        sb.append(field(m.hostname() != null ? m.hostname() : senderHost, Rfc5424Parser.HOSTNAME_MAX)).append(' ');
        sb.append(field(m.app(), Rfc5424Parser.APP_NAME_MAX)).append(' ');
        sb.append(field(m.procId(), Rfc5424Parser.PROCID_MAX)).append(' ');
        sb.append(field(m instanceof Rfc5424Message r ? r.msgId() : null, Rfc5424Parser.MSGID_MAX)).append(' ');
        List<Rfc5424Message.SdElement> sd = m instanceof Rfc5424Message r ? r.structuredData() : List.of();
        if (sd.isEmpty()) {
            sb.append('-');
        } else {
            for (Rfc5424Message.SdElement e : sd) {
                sb.append('[').append(e.id());
                for (Rfc5424Message.SdParam p : e.params()) {
                    sb.append(' ').append(p.name()).append("=\"");
                    escape(p.value(), sb);
                    sb.append('"');
                }
                sb.append(']');
            }
        }
        String msg = m.message();
        if (!msg.isEmpty()) {
            sb.append(' ');
            boolean ascii = msg.chars().allMatch(c -> c < 0x80);
            if (!ascii) {
                // The BOM tells the receiver MSG is UTF-8 (section 6.4).
                byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
                byte[] body = msg.getBytes(StandardCharsets.UTF_8);
                byte[] out = new byte[head.length + 3 + body.length];
                System.arraycopy(head, 0, out, 0, head.length);
                out[head.length] = (byte) 0xEF;
                out[head.length + 1] = (byte) 0xBB;
                out[head.length + 2] = (byte) 0xBF;
                System.arraycopy(body, 0, out, head.length + 3, body.length);
                return out;
            }
            sb.append(msg);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A header field: PRINTUSASCII only, bounded; anything unusable becomes NILVALUE or '_'. */
    private static String field(String value, int max) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && sb.length() < max; i++) {
            char c = value.charAt(i);
            sb.append(c > 32 && c < 127 ? c : '_');
        }
        return sb.toString();
    }

    private static void escape(String value, StringBuilder sb) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                sb.append('\\');
            }
            sb.append(c);
        }
    }
}
