package org.sparetire.tftp.session;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settles the options a client asked for (RFC 2347) into what the transfer will use and what the OACK
 * says. Unknown options and values out of range are left out of the OACK, never fatal: RFC 2347 says a
 * server that does not support an option ignores it. A request whose accepted set is empty gets no OACK,
 * so old clients see plain RFC 1350.
 */
public final class OptionNegotiation {
    /** RFC 2348. */
    public static final int BLKSIZE_MIN = 8;
    public static final int BLKSIZE_MAX = 65464;
    /** RFC 2349. */
    public static final int TIMEOUT_MIN = 1;
    public static final int TIMEOUT_MAX = 255;
    /** RFC 7440. */
    public static final int WINDOWSIZE_MAX = 65535;

    private OptionNegotiation() {
    }

    /**
     * @param maxBlksize    the largest block this client may get (configured cap, per-subnet cap)
     * @param maxWindowsize the largest window granted
     * @param timeout       retransmit interval when the client names none
     */
    public record Limits(int maxBlksize, int maxWindowsize, Duration timeout, int maxRetries, boolean rolloverToOne) {
    }

    /**
     * @param parameters what the transfer runs with
     * @param oack       the options to acknowledge, in the client's order; empty means send no OACK
     */
    public record Result(TransferParameters parameters, Map<String, String> oack) {
        public boolean needsOack() {
            return !oack.isEmpty();
        }
    }

    /**
     * @param tsizeAnswer for a read, the size to report (RFC 2349); for a write, ignored (the client's value
     *                    is echoed after the caller checked it against the size limit and free disk)
     * @param isRead      read or write request
     */
    public static Result negotiate(Map<String, String> requested, Limits limits, long tsizeAnswer, boolean isRead) {
        Map<String, String> oack = new LinkedHashMap<>();
        int blksize = 512;
        int windowsize = 1;
        Duration timeout = limits.timeout();
        boolean fixedTimeout = false;
        for (Map.Entry<String, String> e : requested.entrySet()) {
            String value = e.getValue();
            switch (e.getKey()) {
                case "blksize" -> {
                    long v = parse(value);
                    if (v >= BLKSIZE_MIN) {
                        // RFC 2348: the server may answer with a smaller size than asked, never larger.
                        blksize = (int) Math.min(Math.min(v, BLKSIZE_MAX), limits.maxBlksize());
                        oack.put("blksize", Integer.toString(blksize));
                    }
                }
                case "timeout" -> {
                    long v = parse(value);
                    if (v >= TIMEOUT_MIN && v <= TIMEOUT_MAX) {
                        timeout = Duration.ofSeconds(v);
                        fixedTimeout = true;
                        oack.put("timeout", Long.toString(v));
                    }
                }
                case "tsize" -> {
                    long v = parse(value);
                    if (isRead && v >= 0 && tsizeAnswer >= 0) {
                        oack.put("tsize", Long.toString(tsizeAnswer));
                    } else if (!isRead && v >= 0) {
                        oack.put("tsize", Long.toString(v));
                    }
                }
                case "windowsize" -> {
                    long v = parse(value);
                    if (v >= 1 && v <= WINDOWSIZE_MAX) {
                        windowsize = (int) Math.min(v, limits.maxWindowsize());
                        oack.put("windowsize", Integer.toString(windowsize));
                    }
                }
                default -> {
                    // Unknown options (multicast, utimeout, rollover, ...) are ignored, per RFC 2347.
                }
            }
        }
        TransferParameters params = new TransferParameters(blksize, windowsize, timeout, fixedTimeout,
                limits.maxRetries(), limits.rolloverToOne());
        return new Result(params, oack);
    }

    private static long parse(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
