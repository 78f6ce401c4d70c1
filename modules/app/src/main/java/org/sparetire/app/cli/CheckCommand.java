package org.sparetire.app.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.sparetire.app.ExitCodes;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigException;
import org.sparetire.core.config.ConfigPrinter;
import org.sparetire.core.config.ConfigProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validate a config and print the effective configuration, defaults filled in.",
            "Each problem is printed as file:line:col: message; exit code 3 when there is any."})
public final class CheckCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            AppConfig loaded = config.load();
            out.print(ConfigPrinter.print(loaded));
            out.flush();
            for (ConfigProblem w : loaded.warnings()) {
                err.println(w.position() + ": warning: " + w.message());
            }
            err.flush();
            return ExitCodes.OK;
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                err.println(p);
            }
            err.println(config.label() + ": " + e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s")
                    + ", not valid");
            err.flush();
            return ExitCodes.CONFIG_INVALID;
        }
    }
}
