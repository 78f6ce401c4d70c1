package org.sparetire.syslog.codec;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lenient BSD parser: RFC 3164 section 4.1 as devices actually send it. It copes with Cisco IOS
 * sequence numbers and {@code *Mar  1 00:00:12.123:} timestamps (rsyslog issue 3069, elastic/beats 10654),
 * years and time zones inside the timestamp, a missing timestamp, a missing hostname and a bare priority.
 * Unlike rsyslog's pmrfc3164 it does not take the first word of the text as HOSTNAME (rsyslog issue 1789):
 * a word counts as hostname only when a TAG follows it, or when it is an address or a dotted name.
 */
public final class Rfc3164Parser {
    private static final String MONTH = "([A-Za-z]{3})";
    private static final String TIME = "(\\d{1,2}):(\\d{2}):(\\d{2})(\\.\\d{1,9})?";
    /** Optional zone after the time: {@code UTC}, {@code CEST}, {@code +01:00}; then Cisco's colon. */
    private static final String ZONE_AND_END = "(?: ([A-Z]{3,5}|[+-]\\d{2}:?\\d{2}))?:?(?: +|$)";
    /** {@code Mar  1 00:00:12.123} and {@code Jan 15 2024 10:22:33} (Cisco ASA, {@code service timestamps ... year}). */
    private static final Pattern BSD = Pattern.compile(MONTH + " +(\\d{1,2})(?: (\\d{4}))? " + TIME + ZONE_AND_END);
    /** {@code 2024 Jan 15 10:22:33} (Cisco NX-OS). */
    private static final Pattern YEAR_FIRST = Pattern.compile("(\\d{4}) " + MONTH + " +(\\d{1,2}) " + TIME + ZONE_AND_END);
    /** RFC 3339 inside an RFC 3164 frame: rsyslog's RSYSLOG_ForwardFormat and systemd-journal-remote style. */
    private static final Pattern ISO = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})[T ](\\d{2}):(\\d{2}):(\\d{2})(\\.\\d{1,9})?(Z|[+-]\\d{2}:?\\d{2})?:?(?: +|$)");
    /** Cisco IOS {@code service sequence-numbers} ({@code 123: }) or NX-OS's empty one ({@code : }). */
    private static final Pattern SEQUENCE = Pattern.compile("(\\d{1,10})?: +");
    /** TAG[pid]: as in RFC 3164 section 5.3, also Cisco's {@code %LINK-3-UPDOWN:}. */
    private static final Pattern TAG = Pattern.compile("([^\\s\\[\\]:]{1,64})(?:\\[([^\\]\\s]{0,32})\\])?:(?: +|$)");
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:%-]{0,254}");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};

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
        Matcher seq = SEQUENCE.matcher(text).region(p, n);
        if (seq.lookingAt()) {
            sequence = seq.group(1);
            p = seq.end();
            // "logging origin-id hostname": 123: router1: *Mar  1 ... — a tag-shaped word before a timestamp.
            Matcher origin = TAG.matcher(text).region(p, n);
            if (origin.lookingAt() && origin.group(2) == null
                    && timestampAt(text, skipSyncMark(text, origin.end()), receivedAt) != null) {
                hostname = origin.group(1);
                p = origin.end();
            }
        }
        Instant timestamp = null;
        boolean unsynced = false;
        if (p < n && (text.charAt(p) == '*' || text.charAt(p) == '.')) {
            Stamp s = timestampAt(text, p + 1, receivedAt);
            if (s != null) {
                unsynced = true;
                timestamp = s.instant;
                p = s.end;
            }
        } else {
            Stamp s = timestampAt(text, p, receivedAt);
            if (s != null) {
                timestamp = s.instant;
                p = s.end;
            }
        }
        if (timestamp != null && hostname == null) {
            int sp = text.indexOf(' ', p);
            String candidate = sp < 0 ? null : text.substring(p, sp);
            if (candidate != null && looksLikeHostname(candidate, text, sp + 1)) {
                hostname = candidate;
                p = sp + 1;
                while (p < n && text.charAt(p) == ' ') {
                    p++;
                }
            }
        }
        String app = null;
        String procId = null;
        Matcher tag = TAG.matcher(text).region(p, n);
        if (tag.lookingAt()) {
            app = tag.group(1);
            procId = tag.group(2) == null || tag.group(2).isEmpty() ? null : tag.group(2);
            p = tag.end();
        }
        return new Rfc3164Message(pri >> 3, pri & 7, sequence, timestamp, unsynced, hostname, app, procId,
                text.substring(p));
    }

    private static int skipSyncMark(String text, int p) {
        return p < text.length() && (text.charAt(p) == '*' || text.charAt(p) == '.') ? p + 1 : p;
    }

    private static boolean looksLikeHostname(String candidate, String text, int next) {
        if (candidate.endsWith(":") || !HOSTNAME.matcher(candidate).matches()) {
            return false;
        }
        if (TAG.matcher(text).region(next, text.length()).lookingAt()) {
            return true;
        }
        if (IPV4.matcher(candidate).matches() || candidate.indexOf(':') > 0) {
            return true;
        }
        // A dotted name (router1.example.net, Spectralink's 0090.7a05.18f6) is a host; a plain word is
        // more likely the first word of the text.
        return candidate.indexOf('.') > 0 && !candidate.endsWith(".");
    }

    private record Stamp(Instant instant, int end) {
    }

    private static Stamp timestampAt(String text, int p, Instant receivedAt) {
        int n = text.length();
        if (p >= n) {
            return null;
        }
        char c = text.charAt(p);
        try {
            if (c >= '0' && c <= '9') {
                Matcher iso = ISO.matcher(text).region(p, n);
                if (iso.lookingAt()) {
                    LocalDateTime t = LocalDateTime.of(num(iso.group(1)), num(iso.group(2)), num(iso.group(3)),
                            num(iso.group(4)), num(iso.group(5)), num(iso.group(6)), nanos(iso.group(7)));
                    return new Stamp(t.toInstant(offset(iso.group(8))), iso.end());
                }
                Matcher y = YEAR_FIRST.matcher(text).region(p, n);
                if (y.lookingAt()) {
                    int month = month(y.group(2));
                    if (month < 0) {
                        return null;
                    }
                    LocalDateTime t = LocalDateTime.of(num(y.group(1)), month, num(y.group(3)), num(y.group(4)),
                            num(y.group(5)), num(y.group(6)), nanos(y.group(7)));
                    return new Stamp(t.toInstant(offset(y.group(8))), y.end());
                }
                return null;
            }
            Matcher m = BSD.matcher(text).region(p, n);
            if (!m.lookingAt()) {
                return null;
            }
            int month = month(m.group(1));
            if (month < 0) {
                return null;
            }
            int day = num(m.group(2));
            ZoneOffset zone = offset(m.group(8));
            LocalDateTime t;
            if (m.group(3) != null) {
                t = LocalDateTime.of(num(m.group(3)), month, day, num(m.group(4)), num(m.group(5)), num(m.group(6)),
                        nanos(m.group(7)));
            } else {
                // RFC 3164 carries no year: take the receive year, unless that puts the message more than a
                // day in the future (a Dec 31 message received on Jan 1 belongs to last year).
                int year = OffsetDateTime.ofInstant(receivedAt, ZoneOffset.UTC).getYear();
                t = LocalDateTime.of(year, month, day, num(m.group(4)), num(m.group(5)), num(m.group(6)),
                        nanos(m.group(7)));
                if (t.toInstant(zone).isAfter(receivedAt.plusSeconds(86_400))) {
                    t = t.withYear(year - 1);
                }
            }
            return new Stamp(t.toInstant(zone), m.end());
        } catch (DateTimeException e) {
            return null; // Feb 30 and friends: not a timestamp, so the text stays in the message
        }
    }

    private static int num(String s) {
        return Integer.parseInt(s);
    }

    private static int nanos(String fraction) {
        if (fraction == null) {
            return 0;
        }
        String digits = (fraction.substring(1) + "000000000").substring(0, 9);
        return Integer.parseInt(digits);
    }

    private static int month(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (int i = 0; i < MONTHS.length; i++) {
            if (MONTHS[i].equals(lower)) {
                return i + 1;
            }
        }
        return -1;
    }

    /** Numeric offsets apply; zone names (EST, CEST) are ambiguous, so they are read as UTC like the rest. */
    private static ZoneOffset offset(String zone) {
        if (zone == null || zone.equals("Z") || !(zone.startsWith("+") || zone.startsWith("-"))) {
            return ZoneOffset.UTC;
        }
        String z = zone.replace(":", "");
        int sign = z.charAt(0) == '-' ? -1 : 1;
        return ZoneOffset.ofHoursMinutes(sign * Integer.parseInt(z.substring(1, 3)), sign * Integer.parseInt(z.substring(3, 5)));
    }
}
