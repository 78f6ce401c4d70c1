package org.sparetire.syslog.store;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.sparetire.syslog.codec.Priority;
import org.sparetire.syslog.policy.DeviceNaming;
import org.sparetire.syslog.codec.Rfc5424Message;
import org.sparetire.syslog.codec.SyslogMessage;

/**
 * One line per message, fields separated by single spaces, {@code -} for an absent field:
 * <pre>
 * 2026-11-24T05:00:00.123Z 192.0.2.10 local7.notice sw-core-1 %SYS-5-CONFIG_I Configured from console
 * receive time (UTC)       sender     facility.sev  hostname  app[pid]        message
 * </pre>
 * Receive time, not the device's: a switch that boots with its clock at Mar 1 1993 must still sort right.
 * RFC 5424 structured data is kept in front of the message text, as the sender wrote it.
 */
public final class LineFormat {
    private static final int LONG_FIELD = 24;
    private long cachedSecond = Long.MIN_VALUE;
    private byte[] cachedPrefix;
    /** The line being built, reused: at 400k lines/s a builder, a String and its bytes per line keep the GC busy. */
    private byte[] line = new byte[512];
    private int length;

    /** Not thread-safe: one per writer thread (it caches the formatted second and reuses its buffer). */
    public String format(Received r, String truncationMarker) {
        int n = encode(r, truncationMarker);
        return new String(line, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * Writes the line as UTF-8 into {@link #bytes()}, which stays valid until the next call.
     *
     * @return its length in bytes, the final LF included
     */
    public int encode(Received r, String truncationMarker) {
        SyslogMessage m = r.message();
        length = 0;
        appendTime(r.at());
        put(' ');
        InetAddress a = r.sender().getAddress();
        put(a == null ? r.sender().getHostString() : printable(a));
        put(' ');
        put(Priority.label(m.facility(), m.severity()));
        put(' ');
        put(m.hostname() == null ? "-" : m.hostname());
        put(' ');
        if (m.app() == null) {
            put('-');
        } else {
            put(m.app());
            if (m.procId() != null) {
                put('[');
                put(m.procId());
                put(']');
            }
        }
        put(' ');
        if (m instanceof Rfc5424Message r5 && !r5.structuredData().isEmpty()) {
            put(structuredData(r5));
            if (!m.message().isEmpty()) {
                put(' ');
            }
        }
        put(m.message());
        if (r.truncated()) {
            put(truncationMarker);
        }
        put('\n');
        return length;
    }

    /** The buffer {@link #encode} wrote into. */
    public byte[] bytes() {
        return line;
    }

    private void room(int more) {
        if (length + more > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, length + more));
        }
    }

    private void put(char ascii) {
        room(1);
        line[length++] = (byte) ascii;
    }

    /**
     * Short fields ASCII byte by byte, from the first other character on with the JDK's UTF-8 encoder; long ones
     * (the message) with the encoder from the start, whose ASCII check and copy are vectorized and so faster for
     * a long field, its short-lived array included (docs/syslog.md, Performance).
     */
    private void put(String s) {
        int n = s.length();
        if (n > LONG_FIELD) {
            put(s.getBytes(StandardCharsets.UTF_8));
            return;
        }
        room(n);
        byte[] out = line; // locals, so the compiler keeps them in registers through the loop
        int start = length;
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                break;
            }
            out[start + i] = (byte) c;
            i++;
        }
        length = start + i;
        if (i < n) {
            put(s.substring(i).getBytes(StandardCharsets.UTF_8));
        }
    }

    private void put(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, line, length, b.length);
        length += b.length;
    }

    private static String structuredData(Rfc5424Message m) {
        StringBuilder sb = new StringBuilder();
        for (Rfc5424Message.SdElement e : m.structuredData()) {
            sb.append('[').append(e.id());
            for (Rfc5424Message.SdParam p : e.params()) {
                sb.append(' ').append(p.name()).append("=\"");
                String v = p.value();
                for (int i = 0; i < v.length(); i++) {
                    char c = v.charAt(i);
                    if (c == '"' || c == '\\' || c == ']') {
                        sb.append('\\');
                    }
                    sb.append(c);
                }
                sb.append('"');
            }
            sb.append(']');
        }
        return sb.toString();
    }

    private final java.util.Map<InetAddress, String> names = new java.util.HashMap<>();

    /** Senders are few and repeat; formatting an address every line is measurable at 400k lines/s. */
    private String printable(InetAddress a) {
        String name = names.get(a);
        if (name == null) {
            if (names.size() > 4096) {
                names.clear();
            }
            name = DeviceNaming.printable(a);
            names.put(a, name);
        }
        return name;
    }

    private void appendTime(Instant at) {
        long second = at.getEpochSecond();
        if (second != cachedSecond) {
            LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
            cachedPrefix = String.format("%04d-%02d-%02dT%02d:%02d:%02d.", t.getYear(), t.getMonthValue(),
                    t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond()).getBytes(StandardCharsets.US_ASCII);
            cachedSecond = second;
        }
        int millis = at.getNano() / 1_000_000;
        put(cachedPrefix);
        room(4);
        line[length++] = (byte) ('0' + millis / 100);
        line[length++] = (byte) ('0' + millis / 10 % 10);
        line[length++] = (byte) ('0' + millis % 10);
        line[length++] = 'Z';
    }

    /** The receive time at the start of a line written by {@link #format}, or null. */
    public static Instant timeOf(String line) {
        int sp = line.indexOf(' ');
        if (sp < 0) {
            return null;
        }
        try {
            return Instant.parse(line.substring(0, sp));
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
