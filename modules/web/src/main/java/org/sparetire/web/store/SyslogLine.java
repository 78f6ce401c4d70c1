package org.sparetire.web.store;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * One syslog message in the live tail.
 *
 * @param seq a number that only grows, so a live view can ask for "what came after the last I saw"
 * @param mac the device that held the sender's address when the line arrived, or null
 */
public record SyslogLine(long seq, Instant at, InetSocketAddress sender, String mac, int facility, int severity,
                         String hostname, String app, String message) {

    private static final String[] SEVERITIES = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};

    /** RFC 5424 section 6.2.1 keywords; empty when the message had no priority. */
    public static String severityName(int severity) {
        return severity >= 0 && severity < SEVERITIES.length ? SEVERITIES[severity] : "";
    }

    /** Parses a keyword or a number 0..7 into a severity; -1 for anything else. */
    public static int parseSeverity(String text) {
        if (text == null) {
            return -1;
        }
        for (int i = 0; i < SEVERITIES.length; i++) {
            if (SEVERITIES[i].equalsIgnoreCase(text.trim())) {
                return i;
            }
        }
        if (text.trim().matches("[0-7]")) {
            return Integer.parseInt(text.trim());
        }
        return -1;
    }
}
