package org.sparetire.syslog.codec;

import static org.sparetire.syslog.codec.Text.isDigit;

import java.time.Instant;

/**
 * The lenient BSD parser: RFC 3164 section 4.1 as devices actually send it. It copes with Cisco IOS
 * sequence numbers and {@code *Mar  1 00:00:12.123:} timestamps (rsyslog issue 3069, elastic/beats 10654),
 * years and time zones inside the timestamp, a missing timestamp, a missing hostname and a bare priority.
 * Unlike rsyslog's pmrfc3164 it does not take the first word of the text as HOSTNAME (rsyslog issue 1789):
 * a word counts as hostname only when a TAG follows it, or when it is an address or a dotted name.
 */
public final class Rfc3164Parser {
    private Rfc3164Parser() {
    }

    /**
     * @param pri        the priority already read by the caller
     * @param text       everything after PRI, already decoded and trimmed of trailing NUL/CR/LF
     * @param receivedAt supplies the year of a yearless timestamp
     */
    public static Rfc3164Message parse(int pri, String text, Instant receivedAt) {
        int p = 0;
        int n = text.length();
        while (p < n && text.charAt(p) == ' ') {
            p++;
        }
        String sequence = null;
        String hostname = null;
        int digits = 0;
        while (p + digits < n && digits <= 10 && isDigit(text.charAt(p + digits))) {
            digits++;
        }
        if (digits <= 10 && p + digits + 1 < n && text.charAt(p + digits) == ':' && text.charAt(p + digits + 1) == ' ') {
            // Cisco "service sequence-numbers" (123: ) or NX-OS's empty one (: ).
            sequence = digits == 0 ? null : text.substring(p, p + digits);
            p += digits + 1;
            while (p < n && text.charAt(p) == ' ') {
                p++;
            }
            // "logging origin-id hostname": 123: router1: *Mar  1 ... — a tag-shaped word before a timestamp.
            Tag origin = tagAt(text, p);
            if (origin != null && origin.pid == null
                    && Rfc3164Timestamp.at(text, skipSyncMark(text, origin.end), receivedAt) != null) {
                hostname = origin.name;
                p = origin.end;
            }
        }
        Instant timestamp = null;
        boolean unsynced = false;
        if (p < n && (text.charAt(p) == '*' || text.charAt(p) == '.')) {
            Rfc3164Timestamp s = Rfc3164Timestamp.at(text, p + 1, receivedAt);
            if (s != null) {
                unsynced = true;
                timestamp = s.instant();
                p = s.end();
            }
        } else {
            Rfc3164Timestamp s = Rfc3164Timestamp.at(text, p, receivedAt);
            if (s != null) {
                timestamp = s.instant();
                p = s.end();
            }
        }
        Tag afterHostname = null;
        if (timestamp != null && hostname == null) {
            int sp = text.indexOf(' ', p);
            String candidate = sp < 0 ? null : text.substring(p, sp);
            afterHostname = sp < 0 ? null : tagAt(text, sp + 1);
            if (candidate != null && looksLikeHostname(candidate, afterHostname)) {
                hostname = candidate;
                p = sp + 1;
                while (p < n && text.charAt(p) == ' ') {
                    p++;
                }
            }
        }
        String app = null;
        String procId = null;
        // The tag after a hostname was read already, when it decided that the word before it is a hostname.
        Tag tag = afterHostname != null && afterHostname.start == p ? afterHostname : tagAt(text, p);
        if (tag != null) {
            app = tag.name;
            procId = tag.pid == null || tag.pid.isEmpty() ? null : tag.pid;
            p = tag.end;
        }
        return new Rfc3164Message(pri >> 3, pri & 7, sequence, timestamp, unsynced, hostname, app, procId,
                text.substring(p));
    }

    private static int skipSyncMark(String text, int p) {
        return p < text.length() && (text.charAt(p) == '*' || text.charAt(p) == '.') ? p + 1 : p;
    }

    private record Tag(int start, String name, String pid, int end) {
    }

    /** {@link Character#isWhitespace} with the ASCII answer worked out inline: it runs for every character of a tag. */
    static boolean whitespace(char c) {
        if (c <= ' ') {
            return c == ' ' || c >= '\t' && c <= '\r' || c >= 0x1C;
        }
        return c >= 0x80 && Character.isWhitespace(c);
    }

    /**
     * TAG[pid]: followed by spaces or the end (RFC 3164 section 5.3; also Cisco's %LINK-3-UPDOWN:). Written
     * out by hand rather than as a regular expression because it runs for every datagram.
     */
    private static Tag tagAt(String t, int p) {
        int n = t.length();
        int i = p;
        while (i < n && i - p <= 64) {
            char c = t.charAt(i);
            if (whitespace(c) || c == '[' || c == ']' || c == ':') {
                break;
            }
            i++;
        }
        int nameEnd = i;
        if (nameEnd == p || nameEnd - p > 64) {
            return null;
        }
        String pid = null;
        if (i < n && t.charAt(i) == '[') {
            int j = i + 1;
            while (j < n && j - i - 1 <= 32 && t.charAt(j) != ']' && !whitespace(t.charAt(j))) {
                j++;
            }
            if (j >= n || t.charAt(j) != ']' || j - i - 1 > 32) {
                return null;
            }
            pid = t.substring(i + 1, j);
            i = j + 1;
        }
        if (i >= n || t.charAt(i) != ':') {
            return null;
        }
        i++;
        if (i < n && t.charAt(i) != ' ') {
            return null;
        }
        while (i < n && t.charAt(i) == ' ') {
            i++;
        }
        return new Tag(p, t.substring(p, nameEnd), pid, i);
    }

    private static boolean hostnameChars(String s) {
        if (s.isEmpty() || s.length() > 255 || !Character.isLetterOrDigit(s.charAt(0)) || s.charAt(0) > 127) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '.' || c == '_'
                    || c == ':' || c == '%' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean ipv4(String s) {
        int parts = 0;
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isDigit(c)) {
                if (++digits > 3) {
                    return false;
                }
            } else if (c == '.' && digits > 0) {
                parts++;
                digits = 0;
            } else {
                return false;
            }
        }
        return parts == 3 && digits > 0;
    }

    /** @param tag the tag right after the candidate and one space, or null */
    private static boolean looksLikeHostname(String candidate, Tag tag) {
        if (candidate.endsWith(":") || !hostnameChars(candidate)) {
            return false;
        }
        if (tag != null) {
            return true;
        }
        if (ipv4(candidate) || candidate.indexOf(':') > 0) {
            return true;
        }
        // A dotted name (router1.example.net, Spectralink's 0090.7a05.18f6) is a host; a plain word is
        // more likely the first word of the text.
        return candidate.indexOf('.') > 0 && !candidate.endsWith(".");
    }
}
