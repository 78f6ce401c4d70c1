package org.sparetire.app.terminal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.sparetire.core.event.Event;
import org.sparetire.core.event.LeaseEvent;
import org.sparetire.core.event.LeaseEventKind;
import org.sparetire.core.event.ServiceStateChanged;
import org.sparetire.core.event.ServiceWarning;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferProgress;
import org.sparetire.core.event.TransferStarted;
import org.sparetire.core.lifecycle.ServiceState;

/**
 * The compact live status {@code serve} shows on a terminal: service states, active transfers with
 * progress bars, the last leases and the last finished transfers. Pure: it keeps a small bounded
 * picture of the event stream and renders it to text for a given width and time; drawing it on a
 * terminal is {@link TerminalDisplay}'s job.
 */
public final class TerminalStatus {
    static final int ACTIVE_SHOWN = 8;
    static final int LEASES_SHOWN = 5;
    static final int FINISHED_SHOWN = 3;
    static final int WARNINGS_SHOWN = 2;
    private static final int BAR = 20;
    /** An IPv4 address at its longest; IPv6 peers push the line out and get clipped. */
    private static final int WHO = 15;
    /** "[bar] 100%  1023.9 KiB/s  eta 9999s" */
    private static final int TAIL = BAR + 2 + 6 + 14 + 10;

    private final ZoneId zone;
    private final boolean unicode;
    private final Map<String, ServiceState> services = new TreeMap<>();
    private final LinkedHashMap<Long, Active> active = new LinkedHashMap<>();
    private final Deque<LeaseEvent> leases = new ArrayDeque<>();
    private final Deque<TransferFinished> finished = new ArrayDeque<>();
    private final Deque<ServiceWarning> warnings = new ArrayDeque<>();
    private List<String> here = List.of();

    /**
     * @param updated  when the last progress report came
     * @param advanced when the byte count last grew: a transfer that has not moved for longer than its
     *                 retransmit timeout is waiting for an answer that does not come
     */
    private record Active(TransferStarted start, long bytes, long expected, Instant updated, Instant advanced) {
    }

    /** Progress is reported about once a second, so "not moved" is only seen that much late. */
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);
    /** The server's retransmit timeout when the client did not negotiate one (tftp.timeout's default). */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

    /**
     * @param zone    the zone for the clock times shown
     * @param unicode block characters for bars and dots (false: plain ASCII for dumb terminals)
     */
    public TerminalStatus(ZoneId zone, boolean unicode) {
        this.zone = zone;
        this.unicode = unicode;
    }

    public synchronized void accept(Event event) {
        if (event instanceof TransferStarted e) {
            active.put(e.transferId(), new Active(e, 0, e.expectedBytes(), e.at(), e.at()));
            // A start without its finish (service stopped) must not pile up: keep only a screenful and some.
            while (active.size() > 4 * ACTIVE_SHOWN) {
                active.remove(active.keySet().iterator().next());
            }
        } else if (event instanceof TransferProgress e) {
            active.computeIfPresent(e.transferId(), (id, a) -> new Active(a.start(), e.bytes(),
                    e.expectedBytes() > 0 ? e.expectedBytes() : a.expected(), e.at(),
                    e.bytes() > a.bytes() ? e.at() : a.advanced()));
        } else if (event instanceof TransferFinished e) {
            active.remove(e.transferId());
            push(finished, e, FINISHED_SHOWN);
        } else if (event instanceof LeaseEvent e && e.kind() != LeaseEventKind.OFFERED) {
            // Offers are noise at a glance; what matters is who got (or lost) an address.
            push(leases, e, LEASES_SHOWN);
        } else if (event instanceof ServiceStateChanged e) {
            services.put(e.service(), e.state());
        } else if (event instanceof ServiceWarning e) {
            push(warnings, e, WARNINGS_SHOWN);
        }
    }

    /**
     * Takes service states from the appliance itself (health), for a display started after the services
     * announced their start; later state events still update them.
     */
    public synchronized void serviceStates(Map<String, ServiceState> states) {
        services.putAll(states);
    }

    /**
     * What a technician needs to point a device here, kept at the top of the screen: the dashboard's
     * address, this machine's addresses per interface, the folders.
     */
    public synchronized void here(List<String> lines) {
        here = List.copyOf(lines);
    }

    private static <T> void push(Deque<T> d, T item, int max) {
        d.addFirst(item);
        while (d.size() > max) {
            d.removeLast();
        }
    }

    /** One frame, every line at most {@code columns} wide, newest first in each list. */
    public synchronized String frame(Instant now, int columns) {
        int width = Math.max(40, columns);
        List<String> lines = new ArrayList<>();
        StringBuilder head = new StringBuilder("sparetire");
        services.forEach((name, state) -> head.append("  ").append(name).append(' ')
                .append(state == ServiceState.RUNNING ? (unicode ? "●" : "*") : (unicode ? "○" : "-"))
                .append(' ').append(state.name().toLowerCase(Locale.ROOT)));
        lines.add(rightAlign(head.toString(), time(now), width));
        lines.addAll(here);

        for (ServiceWarning w : warnings) {
            lines.add("! " + w.service() + ": " + w.message());
        }
        lines.add("Transfers: " + active.size() + " active");
        List<Active> shown = new ArrayList<>(active.values());
        for (int i = shown.size() - 1, n = 0; i >= 0 && n < ACTIVE_SHOWN; i--, n++) {
            lines.add("  " + transferLine(shown.get(i), now, width - 2));
        }
        if (active.size() > ACTIVE_SHOWN) {
            lines.add("  ... and " + (active.size() - ACTIVE_SHOWN) + " more");
        }
        if (!finished.isEmpty()) {
            lines.add("Finished");
            for (TransferFinished f : finished) {
                lines.add("  " + time(f.at()) + "  " + f.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-')
                        + "  " + f.peer().getAddress().getHostAddress() + "  " + f.file() + "  " + bytes(f.bytes())
                        + " in " + millis(f.elapsed()) + (f.retransmits() > 0 ? ", " + f.retransmits() + " retx" : "")
                        + (f.detail().isEmpty() ? "" : ": " + f.detail()));
            }
        }
        if (!leases.isEmpty()) {
            lines.add("Leases");
            for (LeaseEvent l : leases) {
                StringBuilder s = new StringBuilder("  ").append(time(l.at())).append("  ")
                        .append(String.format("%-8s", l.kind().name().toLowerCase(Locale.ROOT).replace('_', '-')))
                        .append(' ').append(l.mac());
                if (l.address() != null) {
                    s.append("  ").append(l.address().getHostAddress());
                }
                if (l.hostname() != null) {
                    s.append("  ").append(l.hostname());
                }
                if (l.matchedClass() != null) {
                    s.append("  class ").append(l.matchedClass());
                }
                if (l.bootFile() != null) {
                    s.append("  boot ").append(l.bootFile());
                }
                lines.add(s.toString());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(clip(line, width)).append('\n');
        }
        return out.toString();
    }

    private String transferLine(Active a, Instant now, int width) {
        TransferStarted s = a.start();
        String who = s.peer().getAddress().getHostAddress();
        String dir = s.direction().name().equals("READ") ? "<" : ">";
        long nanos = Duration.between(s.at(), a.updated()).toNanos();
        double rate = nanos <= 0 ? 0 : a.bytes() * 1e9 / nanos;
        String tail;
        Duration still = Duration.between(a.advanced(), now);
        Duration stallAfter = timeout(s).plus(PROGRESS_INTERVAL);
        if (still.compareTo(stallAfter) > 0) {
            tail = bytes(a.bytes()) + (a.expected() > 0 ? " of " + bytes(a.expected()) : "") + "  stalled "
                    + still.toSeconds() + "s (no answer)";
        } else if (a.expected() > 0) {
            double f = Math.min(1, (double) a.bytes() / a.expected());
            int filled = (int) Math.round(f * BAR);
            String bar = (unicode ? "█" : "#").repeat(filled) + (unicode ? "░" : "-").repeat(BAR - filled);
            long eta = rate > 0 ? (long) Math.ceil((a.expected() - a.bytes()) / rate) : -1;
            tail = "[" + bar + "] " + String.format("%3d%%", Math.round(f * 100)) + "  " + rateText(rate)
                    + (eta >= 0 ? "  eta " + eta + "s" : "");
        } else {
            tail = bytes(a.bytes()) + "  " + rateText(rate);
        }
        // Fixed columns so bars line up; the file name gets what the rest leaves (clipped from the left:
        // the end of a path says most), and the frame clips whatever still does not fit.
        int fileWidth = Math.max(8, Math.min(48, width - WHO - 3 - 2 - TAIL));
        return pad(who, WHO) + " " + dir + " " + pad(leftClip(s.file(), fileWidth), fileWidth) + "  " + tail;
    }

    /** The transfer's retransmit timeout: as negotiated (RFC 2349, seconds), else the server's default. */
    private static Duration timeout(TransferStarted s) {
        try {
            String t = s.options().get("timeout");
            return t == null ? DEFAULT_TIMEOUT : Duration.ofSeconds(Long.parseLong(t.trim()));
        } catch (NumberFormatException e) {
            return DEFAULT_TIMEOUT;
        }
    }

    private String time(Instant t) {
        return DateTimeFormatter.ofPattern("HH:mm:ss").withZone(zone).format(t);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f %s" : "%.1f %s", v, units[i]);
    }

    private static String rateText(double bytesPerSecond) {
        return bytesPerSecond <= 0 ? "" : bytes((long) bytesPerSecond) + "/s";
    }

    private static String millis(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static String rightAlign(String left, String right, int width) {
        int gap = width - left.length() - right.length();
        return gap >= 1 ? left + " ".repeat(gap) + right : left + " " + right;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private String leftClip(String s, int width) {
        if (s.length() <= width) {
            return s;
        }
        String ellipsis = unicode ? "…" : "~";
        return ellipsis + s.substring(s.length() - width + 1);
    }

    private String clip(String s, int width) {
        if (s.length() <= width) {
            return s;
        }
        return s.substring(0, width - 1) + (unicode ? "…" : "~");
    }
}
