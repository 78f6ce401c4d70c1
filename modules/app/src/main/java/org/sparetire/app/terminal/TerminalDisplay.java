package org.sparetire.app.terminal;

import java.io.PrintStream;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.lifecycle.ServiceState;
import org.sparetire.core.time.Clock;
import org.sparetire.web.store.EventInbox;

/**
 * Draws a {@link TerminalStatus} in place on a terminal, a few times a second, from its own daemon
 * thread (never an event loop). {@code serve} starts one when stdout is a TTY; log lines should then go
 * to the log file or stderr, or they scroll the frame away.
 */
public final class TerminalDisplay implements AutoCloseable {
    /** ANSI: cursor to the top-left, then clear to the end of the screen (ECMA-48 CUP and ED). */
    private static final String HOME_AND_CLEAR = "\u001b[H\u001b[J";
    private static final String CLEAR_TO_END_OF_LINE = "\u001b[K";
    private static final String CLEAR_TO_END_OF_SCREEN = "\u001b[J";

    private final TerminalStatus status;
    /** The publishers are the services' event loops: they only queue, the painter applies. */
    private final EventInbox inbox;
    private final EventBus.Subscription subscription;
    private final ScheduledExecutorService painter;
    private final PrintStream out;

    private TerminalDisplay(TerminalStatus status, EventInbox inbox, EventBus.Subscription subscription,
                            ScheduledExecutorService painter, PrintStream out) {
        this.status = status;
        this.inbox = inbox;
        this.subscription = subscription;
        this.painter = painter;
        this.out = out;
    }

    /**
     * @param columns the terminal's width now (from {@code $COLUMNS} or {@code stty size}); read each frame
     * @param every   how often to redraw; 250 ms looks live without flicker
     */
    public static TerminalDisplay start(EventBus bus, Clock clock, PrintStream out, IntSupplier columns,
                                        Duration every, boolean unicode) {
        return start(bus, clock, out, columns, every, unicode, Map::of);
    }

    /**
     * @param health the appliance's service health, read each frame, so services that started before
     *               the display (and so before it heard their state events) show as they are
     */
    public static TerminalDisplay start(EventBus bus, Clock clock, PrintStream out, IntSupplier columns,
                                        Duration every, boolean unicode,
                                        Supplier<Map<String, ServiceHealth>> health) {
        return start(bus, clock, out, columns, every, unicode, health, List::of);
    }

    /**
     * @param here the lines kept at the top (dashboard address, this machine's addresses, folders), read
     *             each frame so an interface that comes up shows
     */
    public static TerminalDisplay start(EventBus bus, Clock clock, PrintStream out, IntSupplier columns,
                                        Duration every, boolean unicode,
                                        Supplier<Map<String, ServiceHealth>> health, Supplier<List<String>> here) {
        TerminalStatus status = new TerminalStatus(ZoneId.systemDefault(), unicode);
        EventInbox inbox = new EventInbox(100_000);
        EventBus.Subscription sub = bus.subscribeAll(inbox::offer);
        ScheduledExecutorService painter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sparetire-terminal");
            t.setDaemon(true);
            return t;
        });
        TerminalDisplay d = new TerminalDisplay(status, inbox, sub, painter, out);
        painter.scheduleAtFixedRate(() -> {
            d.applyQueued();
            try {
                Map<String, ServiceState> states = new LinkedHashMap<>();
                health.get().forEach((name, h) -> states.put(name, h.state()));
                status.serviceStates(states);
            } catch (RuntimeException e) {
                // Health not available (still starting): the events tell the states meanwhile.
            }
            try {
                status.here(here.get());
            } catch (RuntimeException e) {
                // Keep the last lines; the next frame asks again.
            }
            int width = columns.getAsInt();
            String[] frame = status.frame(clock.now(), width).split("\n", -1);
            String[] lines = java.util.Arrays.copyOf(frame, frame.length - 1); // the frame ends with a newline
            String update = d.changes(lines, width);
            if (!update.isEmpty()) {
                synchronized (out) {
                    out.print(update);
                    out.flush();
                }
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return d;
    }

    private String[] shown;
    private int shownWidth;

    /** Only the lines that differ from what is on screen; everything after a change of width. */
    private String changes(String[] lines, int width) {
        String update = redraw(width == shownWidth ? shown : null, lines);
        shown = lines;
        shownWidth = width;
        return update;
    }

    /**
     * The escape sequences that turn the screen showing {@code before} (null: unknown) into {@code after},
     * rewriting only the lines that changed, so a terminal (or a slow serial console) does not flicker.
     */
    static String redraw(String[] before, String[] after) {
        if (before == null) {
            return HOME_AND_CLEAR + String.join("\n", after) + (after.length > 0 ? "\n" : "");
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < after.length; i++) {
            if (i >= before.length || !after[i].equals(before[i])) {
                s.append("\u001b[").append(i + 1).append(";1H").append(after[i]).append(CLEAR_TO_END_OF_LINE);
            }
        }
        if (after.length < before.length) {
            s.append("\u001b[").append(after.length + 1).append(";1H").append(CLEAR_TO_END_OF_SCREEN);
        } else if (s.length() > 0) {
            s.append("\u001b[").append(after.length + 1).append(";1H");
        }
        return s.toString();
    }

    /** The status with every event published so far applied. */
    public TerminalStatus status() {
        applyQueued();
        return status;
    }

    private void applyQueued() {
        synchronized (inbox) {
            inbox.drainTo(status::accept);
        }
    }

    @Override
    public void close() {
        subscription.close();
        painter.shutdownNow();
        try {
            painter.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (out) {
            out.println();
            out.flush();
        }
    }
}
