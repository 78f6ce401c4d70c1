package org.sparetire.syslog.codec;

import static org.sparetire.syslog.codec.Text.isDigit;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The timestamps an RFC 3164 message may start with, as devices send them: {@code Mmm dd hh:mm:ss} with
 * optional fraction, year and zone (RFC 3164 section 4.1.2), Cisco NX-OS's year-first form and RFC 3339 inside
 * the BSD frame. A yearless one takes its year from the receive time.
 *
 * @param instant the time the message names
 * @param end     where the text after the timestamp (and its trailing colon and spaces) starts
 */
record Rfc3164Timestamp(Instant instant, int end) {
    private static final String MONTH = "([A-Za-z]{3})";
    private static final String TIME = "(\\d{1,2}):(\\d{2}):(\\d{2})(\\.\\d{1,9})?";
    /** Optional zone after the time: {@code UTC}, {@code CEST}, {@code +01:00}; then Cisco's colon. */
    private static final String ZONE_AND_END = "(?: ([A-Z]{3,5}|[+-]\\d{2}:?\\d{2}))?:?(?: +|$)";
    /** {@code 2024 Jan 15 10:22:33} (Cisco NX-OS). */
    private static final Pattern YEAR_FIRST = Pattern.compile("(\\d{4}) " + MONTH + " +(\\d{1,2}) " + TIME + ZONE_AND_END);
    /** RFC 3339 inside an RFC 3164 frame: rsyslog's RSYSLOG_ForwardFormat and systemd-journal-remote style. */
    private static final Pattern ISO = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})[T ](\\d{2}):(\\d{2}):(\\d{2})(\\.\\d{1,9})?(Z|[+-]\\d{2}:?\\d{2})?:?(?: +|$)");

    private static final ThreadLocal<LastYearless> LAST_YEARLESS = ThreadLocal.withInitial(LastYearless::new);

    /** The timestamp that starts at {@code p}, or null when the text there is no timestamp. */
    static Rfc3164Timestamp at(String text, int p, Instant receivedAt) {
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
                    return new Rfc3164Timestamp(t.toInstant(offset(iso.group(8))), iso.end());
                }
                Matcher y = YEAR_FIRST.matcher(text).region(p, n);
                if (y.lookingAt()) {
                    int month = month(y.group(2));
                    if (month < 0) {
                        return null;
                    }
                    LocalDateTime t = LocalDateTime.of(num(y.group(1)), month, num(y.group(3)), num(y.group(4)),
                            num(y.group(5)), num(y.group(6)), nanos(y.group(7)));
                    return new Rfc3164Timestamp(t.toInstant(offset(y.group(8))), y.end());
                }
                return null;
            }
            Bsd m = bsdAt(text, p);
            if (m == null) {
                return null;
            }
            if (m.year >= 0) {
                LocalDateTime t = LocalDateTime.of(m.year, m.month, m.day, m.hour, m.minute, m.second, m.nanos);
                return new Rfc3164Timestamp(t.toInstant(m.zone), m.end);
            }
            // RFC 3164 carries no year: take the receive year, unless that puts the message more than a day in
            // the future (a Dec 31 message received on Jan 1 belongs to last year).
            LastYearless last = LAST_YEARLESS.get();
            long receiveDay = Math.floorDiv(receivedAt.getEpochSecond(), 86_400);
            if (!last.holds(m, receiveDay)) {
                int year = LocalDate.ofEpochDay(receiveDay).getYear();
                last.remember(m, receiveDay, LocalDateTime.of(year, m.month, m.day, m.hour, m.minute, m.second, m.nanos));
            }
            Instant at = last.inReceiveYear;
            if (at.isAfter(receivedAt.plusSeconds(86_400))) {
                at = last.local.withYear(last.local.getYear() - 1).toInstant(m.zone);
            }
            return new Rfc3164Timestamp(at, m.end);
        } catch (DateTimeException e) {
            return null; // Feb 30 and friends: not a timestamp, so the text stays in the message
        }
    }

    private record Bsd(int month, int day, int year, int hour, int minute, int second, int nanos, ZoneOffset zone,
                       int end) {
    }

    /**
     * The last yearless timestamp a thread turned into an instant: a device stamps a burst of messages with the
     * same second, and building the date-time for each was a fifth of the parser's time (docs/syslog.md,
     * Performance).
     */
    private static final class LastYearless {
        private int month = -1;
        private int day;
        private int hour;
        private int minute;
        private int second;
        private int nanos;
        private ZoneOffset zone;
        private long receiveDay;
        LocalDateTime local;
        Instant inReceiveYear;

        boolean holds(Bsd m, long day) {
            return m.month == month && m.day == this.day && m.second == second && m.minute == minute
                    && m.hour == hour && m.nanos == nanos && m.zone.equals(zone) && day == receiveDay;
        }

        /** Called only with a valid date-time: an invalid one threw before this. */
        void remember(Bsd m, long day, LocalDateTime t) {
            month = m.month;
            this.day = m.day;
            hour = m.hour;
            minute = m.minute;
            second = m.second;
            nanos = m.nanos;
            zone = m.zone;
            receiveDay = day;
            local = t;
            inReceiveYear = t.toInstant(m.zone);
        }
    }

    /**
     * {@code Mmm dd[ yyyy] hh:mm:ss[.fff][ ZONE][:]} then spaces or the end, by hand: this runs for nearly
     * every datagram. A zone name counts only before Cisco's colon ({@code UTC:}) or when it is UTC/GMT, so
     * an all-caps hostname after the time is not taken for a zone.
     */
    private static Bsd bsdAt(String t, int p) {
        int n = t.length();
        if (p + 3 >= n) {
            return null;
        }
        int month = month(t, p);
        if (month < 0 || t.charAt(p + 3) != ' ') {
            return null;
        }
        int i = p + 3;
        while (i < n && t.charAt(i) == ' ') {
            i++;
        }
        int[] cursor = {i};
        int day = number(t, cursor, 1, 2);
        if (day < 0 || cursor[0] >= n || t.charAt(cursor[0]) != ' ') {
            return null;
        }
        cursor[0]++;
        int year = -1;
        int save = cursor[0];
        int maybeYear = number(t, cursor, 4, 4);
        if (maybeYear >= 0 && cursor[0] < n && t.charAt(cursor[0]) == ' ') {
            year = maybeYear;
            cursor[0]++;
        } else {
            cursor[0] = save;
        }
        int hour = number(t, cursor, 1, 2);
        if (hour < 0 || !expect(t, cursor, ':')) {
            return null;
        }
        int minute = number(t, cursor, 2, 2);
        if (minute < 0 || !expect(t, cursor, ':')) {
            return null;
        }
        int second = number(t, cursor, 2, 2);
        if (second < 0) {
            return null;
        }
        i = cursor[0];
        int nanos = 0;
        if (i + 1 < n && t.charAt(i) == '.' && isDigit(t.charAt(i + 1))) {
            int k = i + 1;
            int scale = 100_000_000;
            while (k < n && isDigit(t.charAt(k)) && k - i <= 9) {
                nanos += (t.charAt(k) - '0') * scale;
                scale /= 10;
                k++;
            }
            i = k;
        }
        ZoneOffset zone = ZoneOffset.UTC;
        if (i + 1 < n && t.charAt(i) == ' ') {
            int k = i + 1;
            if (t.charAt(k) == '+' || t.charAt(k) == '-') {
                int j = k + 1;
                while (j < n && (isDigit(t.charAt(j)) || t.charAt(j) == ':') && j - k <= 5) {
                    j++;
                }
                String z = t.substring(k, j);
                if (z.matches("[+-]\\d{2}:?\\d{2}")) {
                    zone = offset(z);
                    i = j;
                }
            } else {
                int j = k;
                while (j < n && t.charAt(j) >= 'A' && t.charAt(j) <= 'Z' && j - k < 6) {
                    j++;
                }
                int len = j - k;
                if (len >= 3 && len <= 5 && (j < n && t.charAt(j) == ':'
                        || (j == n || t.charAt(j) == ' ') && (t.startsWith("UTC", k) || t.startsWith("GMT", k)) && len == 3)) {
                    i = j;
                }
            }
        }
        if (i < n && t.charAt(i) == ':') {
            i++;
        }
        if (i < n && t.charAt(i) != ' ') {
            return null;
        }
        while (i < n && t.charAt(i) == ' ') {
            i++;
        }
        return new Bsd(month, day, year, hour, minute, second, nanos, zone, i);
    }

    /** Reads min..max digits at cursor[0], advancing it; -1 when there are fewer than min. */
    private static int number(String t, int[] cursor, int min, int max) {
        int i = cursor[0];
        int v = 0;
        int k = 0;
        while (i + k < t.length() && k < max && isDigit(t.charAt(i + k))) {
            v = v * 10 + (t.charAt(i + k) - '0');
            k++;
        }
        if (k < min) {
            return -1;
        }
        cursor[0] = i + k;
        return v;
    }

    private static boolean expect(String t, int[] cursor, char c) {
        if (cursor[0] < t.length() && t.charAt(cursor[0]) == c) {
            cursor[0]++;
            return true;
        }
        return false;
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
        return name.length() == 3 ? month(name, 0) : -1;
    }

    private static int month(String name, int p) {
        // Case-insensitive without allocating: this runs for nearly every datagram.
        char a = name.charAt(p);
        char b = name.charAt(p + 1);
        char c = name.charAt(p + 2);
        if (a > 0xFF || b > 0xFF || c > 0xFF) {
            return -1;
        }
        return switch ((a | 0x20) << 16 | (b | 0x20) << 8 | (c | 0x20)) {
            case 'j' << 16 | 'a' << 8 | 'n' -> 1;
            case 'f' << 16 | 'e' << 8 | 'b' -> 2;
            case 'm' << 16 | 'a' << 8 | 'r' -> 3;
            case 'a' << 16 | 'p' << 8 | 'r' -> 4;
            case 'm' << 16 | 'a' << 8 | 'y' -> 5;
            case 'j' << 16 | 'u' << 8 | 'n' -> 6;
            case 'j' << 16 | 'u' << 8 | 'l' -> 7;
            case 'a' << 16 | 'u' << 8 | 'g' -> 8;
            case 's' << 16 | 'e' << 8 | 'p' -> 9;
            case 'o' << 16 | 'c' << 8 | 't' -> 10;
            case 'n' << 16 | 'o' << 8 | 'v' -> 11;
            case 'd' << 16 | 'e' << 8 | 'c' -> 12;
            default -> -1;
        };
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
