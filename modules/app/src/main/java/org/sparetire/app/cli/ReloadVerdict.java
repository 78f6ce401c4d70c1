package org.sparetire.app.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sparetire.core.config.ConfigProblem;
import org.sparetire.core.lifecycle.ReloadReport;

/**
 * The outcome of a reload as the running instance writes it for {@code sparetire reload} to read: a first
 * line {@code reload N applied|rejected|incomplete}, then one line per change or per problem. N counts
 * the reloads of that process, so the command can tell the answer to its own signal from an older one.
 */
record ReloadVerdict(long sequence, Outcome outcome, List<String> lines) {
    private static final String HEADER = "reload ";

    enum Outcome {
        /** The new file was valid and every change took effect. */
        APPLIED,
        /** The file had errors; nothing changed. */
        REJECTED,
        /** The file was valid but a service kept its previous settings (its line says why). */
        INCOMPLETE
    }

    ReloadVerdict {
        lines = List.copyOf(lines);
    }

    static ReloadVerdict of(long sequence, ReloadReport report) {
        if (!report.problems().isEmpty()) {
            return new ReloadVerdict(sequence, Outcome.REJECTED, report.problems().stream().map(ConfigProblem::toString).toList());
        }
        return new ReloadVerdict(sequence, report.applied() ? Outcome.APPLIED : Outcome.INCOMPLETE, report.changes());
    }

    /** Written whole under a temporary name, then renamed, so a reader never sees half of it. */
    void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder(HEADER).append(sequence).append(' ')
                .append(outcome.name().toLowerCase(java.util.Locale.ROOT)).append('\n');
        lines.forEach(l -> text.append(l.replace('\n', ' ')).append('\n'));
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The last verdict in the file, or empty when there is none or it is not one. */
    static Optional<ReloadVerdict> read(Path file) {
        List<String> all;
        try {
            all = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
        if (all.isEmpty() || !all.get(0).startsWith(HEADER)) {
            return Optional.empty();
        }
        String[] head = all.get(0).substring(HEADER.length()).split(" ");
        try {
            return Optional.of(new ReloadVerdict(Long.parseLong(head[0]),
                    Outcome.valueOf(head[1].toUpperCase(java.util.Locale.ROOT)), new ArrayList<>(all.subList(1, all.size()))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
