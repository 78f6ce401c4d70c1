package org.sparetire.app.cli;

import java.io.IOException;
import java.util.function.IntSupplier;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The width of the terminal serve's live status is drawn on, asked of the terminal itself each frame (so
 * a resized window redraws to fit), instead of $COLUMNS, which a shell does not export. It stays open
 * for the life of the process; nothing about the terminal is changed, so there is nothing to restore.
 */
final class TerminalWidth implements IntSupplier {
    private static final int FALLBACK = 100;

    private final Terminal terminal;

    private TerminalWidth(Terminal terminal) {
        this.terminal = terminal;
    }

    /** Leaves signals and the terminal's modes alone: only the size is read. */
    static TerminalWidth open() {
        try {
            return new TerminalWidth(TerminalBuilder.builder().system(true).nativeSignals(false)
                    .signalHandler(Terminal.SignalHandler.SIG_DFL).dumb(true).build());
        } catch (IOException | RuntimeException e) {
            return new TerminalWidth(null);
        }
    }

    @Override
    public int getAsInt() {
        int width = terminal == null ? 0 : terminal.getWidth();
        return width > 0 ? width : FALLBACK;
    }
}
