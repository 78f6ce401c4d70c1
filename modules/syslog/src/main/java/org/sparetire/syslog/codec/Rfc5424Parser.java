package org.sparetire.syslog.codec;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.sparetire.syslog.codec.Rfc5424Message.SdElement;
import org.sparetire.syslog.codec.Rfc5424Message.SdParam;

/**
 * The strict RFC 5424 grammar (section 6), tried first like rsyslog's pmrfc5424: anything that deviates is
 * rejected with a reason so the lenient RFC 3164 parser gets its turn.
 *
 * <pre>
 * SYSLOG-MSG = PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]
 * PRI        = "&lt;" 1*3DIGIT "&gt;"                    ; 0..191
 * TIMESTAMP  = "-" / FULL-DATE "T" FULL-TIME         ; uppercase T and Z only (section 6.2.3)
 * SD-ELEMENT = "[" SD-ID *(SP SD-NAME "=" %d34 PARAM-VALUE %d34) "]"
 * </pre>
 */
public final class Rfc5424Parser {
    static final int MAX_PRIVAL = 191;
    static final int HOSTNAME_MAX = 255;
    static final int APP_NAME_MAX = 48;
    static final int PROCID_MAX = 128;
    static final int MSGID_MAX = 32;
    static final int SD_NAME_MAX = 32;

    private final byte[] b;
    private final int end;
    private int pos;

    private Rfc5424Parser(byte[] b, int off, int len) {
        this.b = b;
        this.pos = off;
        this.end = off + len;
    }

    public static Rfc5424Message parse(byte[] b, int off, int len) throws MalformedPacketException {
        return new Rfc5424Parser(b, off, len).message(off);
    }

    private Rfc5424Message message(int start) throws MalformedPacketException {
        int pri = priority(b, pos, end);
        if (pri < 0) {
            throw new MalformedPacketException(pri == -1 ? "no PRI" : "invalid PRI", pos - start);
        }
        while (b[pos] != '>') {
            pos++;
        }
        pos++;
        int versionAt = pos;
        if (pos >= end || b[pos] != '1' || pos + 1 >= end || b[pos + 1] != ' ') {
            throw new MalformedPacketException("VERSION is not 1", versionAt - start);
        }
        pos += 2;
        Instant timestamp = timestamp(start);
        space(start, "TIMESTAMP");
        String hostname = field(start, HOSTNAME_MAX, "HOSTNAME");
        space(start, "HOSTNAME");
        String app = field(start, APP_NAME_MAX, "APP-NAME");
        space(start, "APP-NAME");
        String procId = field(start, PROCID_MAX, "PROCID");
        space(start, "PROCID");
        String msgId = field(start, MSGID_MAX, "MSGID");
        space(start, "MSGID");
        List<SdElement> sd = structuredData(start);
        String msg = "";
        boolean bom = false;
        if (pos < end) {
            if (b[pos] != ' ') {
                throw new MalformedPacketException("expected SP before MSG", pos - start);
            }
            pos++;
            if (end - pos >= 3 && (b[pos] & 0xff) == 0xEF && (b[pos + 1] & 0xff) == 0xBB && (b[pos + 2] & 0xff) == 0xBF) {
                bom = true;
                pos += 3;
            }
            msg = Text.decode(b, pos, end - pos);
        }
        return new Rfc5424Message(pri >> 3, pri & 7, 1, timestamp, hostname, app, procId, msgId, sd, msg, bom);
    }

    /**
     * PRI at {@code i}: the value, -1 when there is no {@code <}, -2 when it is malformed or above 191.
     * Shared with the RFC 3164 parser, which reads PRI the same way (RFC 3164 section 4.1.1).
     */
    static int priority(byte[] b, int i, int end) {
        if (i >= end || b[i] != '<') {
            return -1;
        }
        int value = 0;
        int digits = 0;
        int k = i + 1;
        while (k < end && b[k] >= '0' && b[k] <= '9' && digits < 4) {
            value = value * 10 + (b[k] - '0');
            digits++;
            k++;
        }
        if (digits == 0 || digits > 3 || k >= end || b[k] != '>' || value > MAX_PRIVAL) {
            return -2;
        }
        return value;
    }

    private void space(int start, String after) throws MalformedPacketException {
        if (pos >= end || b[pos] != ' ') {
            throw new MalformedPacketException("expected SP after " + after, pos - start);
        }
        pos++;
    }

    /** A header field of PRINTUSASCII (33..126) or the NILVALUE "-" (null). */
    private String field(int start, int max, String name) throws MalformedPacketException {
        int from = pos;
        while (pos < end && b[pos] != ' ') {
            if (b[pos] < 33 || b[pos] > 126) {
                throw new MalformedPacketException(name + " has a non-printable character", pos - start);
            }
            pos++;
        }
        int n = pos - from;
        if (n == 0) {
            throw new MalformedPacketException(name + " is empty", from - start);
        }
        if (n > max) {
            throw new MalformedPacketException(name + " longer than " + max, from - start);
        }
        if (n == 1 && b[from] == '-') {
            return null;
        }
        return new String(b, from, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private Instant timestamp(int start) throws MalformedPacketException {
        int from = pos;
        if (pos < end && b[pos] == '-' && (pos + 1 >= end || b[pos + 1] == ' ')) {
            pos++;
            return null;
        }
        try {
            int year = digits(4);
            expect('-');
            int month = digits(2);
            expect('-');
            int day = digits(2);
            expect('T');
            int hour = digits(2);
            expect(':');
            int minute = digits(2);
            expect(':');
            int second = digits(2);
            int nanos = 0;
            if (pos < end && b[pos] == '.') {
                pos++;
                int n = 0;
                while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
                    if (++n > 6) { // TIME-SECFRAC is 1*6DIGIT
                        throw new IllegalArgumentException();
                    }
                    nanos = nanos * 10 + (b[pos++] - '0');
                }
                if (n == 0) {
                    throw new IllegalArgumentException();
                }
                for (int k = n; k < 9; k++) {
                    nanos *= 10;
                }
            }
            ZoneOffset offset;
            if (pos < end && b[pos] == 'Z') {
                pos++;
                offset = ZoneOffset.UTC;
            } else if (pos < end && (b[pos] == '+' || b[pos] == '-')) {
                int sign = b[pos++] == '-' ? -1 : 1;
                int oh = digits(2);
                expect(':');
                int om = digits(2);
                offset = ZoneOffset.ofHoursMinutes(sign * oh, sign * om);
            } else {
                throw new IllegalArgumentException();
            }
            return LocalDateTime.of(LocalDate.of(year, month, day), LocalTime.of(hour, minute, second, nanos))
                    .toInstant(offset);
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new MalformedPacketException("invalid TIMESTAMP", from - start);
        }
    }

    private int digits(int n) {
        int v = 0;
        for (int k = 0; k < n; k++) {
            if (pos >= end || b[pos] < '0' || b[pos] > '9') {
                throw new IllegalArgumentException();
            }
            v = v * 10 + (b[pos++] - '0');
        }
        return v;
    }

    private void expect(char c) {
        if (pos >= end || b[pos] != c) {
            throw new IllegalArgumentException();
        }
        pos++;
    }

    private List<SdElement> structuredData(int start) throws MalformedPacketException {
        if (pos < end && b[pos] == '-') {
            pos++;
            return List.of();
        }
        if (pos >= end || b[pos] != '[') {
            throw new MalformedPacketException("STRUCTURED-DATA is neither '-' nor '['", pos - start);
        }
        List<SdElement> elements = new ArrayList<>();
        while (pos < end && b[pos] == '[') {
            pos++;
            String id = sdName(start, "SD-ID");
            List<SdParam> params = new ArrayList<>();
            while (pos < end && b[pos] == ' ') {
                pos++;
                String name = sdName(start, "PARAM-NAME");
                if (pos >= end || b[pos] != '=') {
                    throw new MalformedPacketException("expected '=' after PARAM-NAME", pos - start);
                }
                pos++;
                if (pos >= end || b[pos] != '"') {
                    throw new MalformedPacketException("PARAM-VALUE not quoted", pos - start);
                }
                pos++;
                params.add(new SdParam(name, paramValue(start)));
            }
            if (pos >= end || b[pos] != ']') {
                throw new MalformedPacketException("SD-ELEMENT not closed by ']'", pos - start);
            }
            pos++;
            elements.add(new SdElement(id, params));
        }
        return elements;
    }

    /** SD-NAME: 1*32 PRINTUSASCII except '=', SP, ']' and '"' (section 6.3.2). */
    private String sdName(int start, String what) throws MalformedPacketException {
        int from = pos;
        while (pos < end && b[pos] > 32 && b[pos] < 127 && b[pos] != '=' && b[pos] != ']' && b[pos] != '"') {
            pos++;
        }
        int n = pos - from;
        if (n == 0) {
            throw new MalformedPacketException(what + " is empty", from - start);
        }
        if (n > SD_NAME_MAX) {
            throw new MalformedPacketException(what + " longer than " + SD_NAME_MAX, from - start);
        }
        return new String(b, from, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** PARAM-VALUE up to the closing quote; '"', '\' and ']' arrive escaped by '\' (section 6.3.3). */
    private String paramValue(int start) throws MalformedPacketException {
        int from = pos;
        java.io.ByteArrayOutputStream value = null;
        int runStart = pos;
        while (pos < end) {
            byte c = b[pos];
            if (c == '"') {
                String result;
                if (value == null) {
                    result = Text.decode(b, runStart, pos - runStart);
                } else {
                    value.write(b, runStart, pos - runStart);
                    byte[] all = value.toByteArray();
                    result = Text.decode(all, 0, all.length);
                }
                pos++;
                return result;
            }
            if (c == '\\' && pos + 1 < end && (b[pos + 1] == '"' || b[pos + 1] == '\\' || b[pos + 1] == ']')) {
                if (value == null) {
                    value = new java.io.ByteArrayOutputStream();
                }
                value.write(b, runStart, pos - runStart);
                value.write(b[pos + 1]);
                pos += 2;
                runStart = pos;
                continue;
            }
            if (c == ']') {
                // An unescaped ']' inside a value is a grammar violation (section 6.3.3).
                throw new MalformedPacketException("unescaped ']' in PARAM-VALUE", pos - start);
            }
            pos++;
        }
        throw new MalformedPacketException("PARAM-VALUE not closed", from - start);
    }
}
