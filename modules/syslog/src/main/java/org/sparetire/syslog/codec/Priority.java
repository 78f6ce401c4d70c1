package org.sparetire.syslog.codec;

/** Facility and severity names as syslog.conf and rsyslog's {@code %syslogfacility-text%} print them (RFC 5424 table 1/2). */
public final class Priority {
    private static final String[] FACILITIES = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
            "uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
            "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
    private static final String[] SEVERITIES = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
    /** Every label once: the writer asks for one per line, and joining two strings each time showed in profiles. */
    private static final String[] LABELS = new String[FACILITIES.length * SEVERITIES.length];

    static {
        for (int f = 0; f < FACILITIES.length; f++) {
            for (int s = 0; s < SEVERITIES.length; s++) {
                LABELS[f * SEVERITIES.length + s] = FACILITIES[f] + "." + SEVERITIES[s];
            }
        }
    }

    private Priority() {
    }

    public static String facilityName(int facility) {
        return facility >= 0 && facility < FACILITIES.length ? FACILITIES[facility] : "-";
    }

    public static String severityName(int severity) {
        return severity >= 0 && severity < SEVERITIES.length ? SEVERITIES[severity] : "-";
    }

    /** {@code local7.notice}, or {@code -} for a message without priority. */
    public static String label(int facility, int severity) {
        if (facility < 0) {
            return "-";
        }
        if (facility < FACILITIES.length && severity >= 0 && severity < SEVERITIES.length) {
            return LABELS[facility * SEVERITIES.length + severity];
        }
        return facilityName(facility) + "." + severityName(severity);
    }
}
