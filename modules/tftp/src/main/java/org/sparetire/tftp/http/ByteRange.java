package org.sparetire.tftp.http;

/**
 * One byte range of a file, both ends inclusive (RFC 9110 section 14.1.2), and the reading of a
 * {@code Range} header against a file's size.
 */
public record ByteRange(long first, long last) {

    public long length() {
        return last - first + 1;
    }

    /** What a {@code Range} header asks of a file of a given size. */
    public enum Kind {
        /** No header, one this server ignores (several ranges, another unit, bad syntax): send the whole file. */
        WHOLE,
        /** One satisfiable range: 206. */
        PART,
        /** A well-formed single range that starts past the end: 416. */
        UNSATISFIABLE
    }

    /** @param range the part to send for {@link Kind#PART}, else null */
    public record Selection(Kind kind, ByteRange range) {
        static final Selection WHOLE = new Selection(Kind.WHOLE, null);
        static final Selection UNSATISFIABLE = new Selection(Kind.UNSATISFIABLE, null);
    }

    /**
     * Reads {@code bytes=a-b}, {@code bytes=a-} and {@code bytes=-n}. A server may ignore a Range header
     * (RFC 9110 section 14.2), so anything but one byte range is answered with the whole file: boot
     * clients ask for one range at most, and multipart answers only make them harder to parse.
     */
    public static Selection select(String header, long size) {
        if (header == null) {
            return Selection.WHOLE;
        }
        String h = header.trim();
        int eq = h.indexOf('=');
        if (eq < 0 || !h.substring(0, eq).trim().equalsIgnoreCase("bytes")) {
            return Selection.WHOLE;
        }
        String spec = h.substring(eq + 1).trim();
        if (spec.indexOf(',') >= 0) {
            return Selection.WHOLE;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return Selection.WHOLE;
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        if (a.isEmpty()) {
            long suffix = digits(b);
            if (suffix < 0) {
                return Selection.WHOLE;
            }
            if (suffix == 0 || size == 0) {
                return Selection.UNSATISFIABLE;
            }
            return new Selection(Kind.PART, new ByteRange(Math.max(0, size - suffix), size - 1));
        }
        long first = digits(a);
        long last = b.isEmpty() ? Long.MAX_VALUE : digits(b);
        if (first < 0 || last < 0 || last < first) {
            return Selection.WHOLE;
        }
        if (first >= size) {
            return Selection.UNSATISFIABLE;
        }
        return new Selection(Kind.PART, new ByteRange(first, Math.min(last, size - 1)));
    }

    /** Decimal digits only, as the grammar says; -1 for anything else or a value past a long. */
    private static long digits(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return s.length() > 18 && s.chars().allMatch(Character::isDigit) ? Long.MAX_VALUE : -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
