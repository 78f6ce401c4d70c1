package org.sparetire.tftp.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * ETag and Last-Modified, and the conditional headers that compare against them (RFC 9110 section 13):
 * a device that already holds this version of the file gets 304 instead of the bytes again.
 */
public final class Validators {
    /** IMF-fixdate (RFC 9110 section 5.6.7): always two-digit days, always GMT. */
    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC)
            .withLocale(Locale.ROOT);

    private Validators() {
    }

    /** A strong entity tag naming one version of a file, or null when the version is unknown. */
    public static String etag(String version) {
        return version == null || version.isEmpty() ? null : '"' + version + '"';
    }

    /** IMF-fixdate, as HTTP dates are sent. */
    public static String httpDate(long epochMillis) {
        return IMF_FIXDATE.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Epoch milliseconds of an IMF-fixdate, or -1 for anything this server does not read (then ignored). */
    static long parseHttpDate(String text) {
        if (text == null) {
            return -1;
        }
        try {
            return Instant.from(HTTP_DATE.parse(text.trim())).toEpochMilli();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }

    /**
     * RFC 9110 section 13.2.2, steps 3 and 4 for GET and HEAD: If-None-Match (weak comparison) when sent,
     * else If-Modified-Since at one-second resolution.
     */
    public static boolean notModified(String ifNoneMatch, String ifModifiedSince, String etag, long lastModified) {
        if (ifNoneMatch != null) {
            return etag != null && matchesAny(ifNoneMatch, etag, false);
        }
        long since = parseHttpDate(ifModifiedSince);
        return since >= 0 && lastModified >= 0 && lastModified / 1000 <= since / 1000;
    }

    /**
     * If-Range (RFC 9110 section 13.1.5): the range applies only while the file is the version the client
     * named, by strong entity tag or by an exact Last-Modified date; otherwise the whole file is sent.
     */
    public static boolean rangeStillValid(String ifRange, String etag, long lastModified) {
        if (ifRange == null) {
            return true;
        }
        String v = ifRange.trim();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            return etag != null && !v.startsWith("W/") && v.equals(etag);
        }
        long date = parseHttpDate(v);
        return date >= 0 && lastModified >= 0 && date / 1000 == lastModified / 1000;
    }

    private static boolean matchesAny(String header, String etag, boolean strong) {
        String opaque = opaque(etag);
        for (String item : header.split(",")) {
            String t = item.trim();
            if (t.equals("*")) {
                return true;
            }
            if (strong && t.startsWith("W/")) {
                continue;
            }
            if (opaque(t).equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
