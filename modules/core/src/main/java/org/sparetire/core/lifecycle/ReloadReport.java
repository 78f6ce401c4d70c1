package org.sparetire.core.lifecycle;

import java.util.List;
import org.sparetire.core.config.ConfigProblem;

/**
 * The outcome of one reload.
 *
 * @param applied  true when the new file was valid and every change took effect
 * @param problems config errors that made the new file unusable (the running config stays)
 * @param changes  one line per service touched: started, stopped, reconfigured, or failed to
 */
public record ReloadReport(boolean applied, List<ConfigProblem> problems, List<String> changes) {

    public ReloadReport {
        problems = List.copyOf(problems);
        changes = List.copyOf(changes);
    }

    static ReloadReport rejected(List<ConfigProblem> problems) {
        return new ReloadReport(false, problems, List.of());
    }
}
