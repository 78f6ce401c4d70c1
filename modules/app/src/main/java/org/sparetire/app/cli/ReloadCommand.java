package org.sparetire.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.sparetire.app.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Ask a running sparetire to re-read its config (the same as kill -HUP).",
            "A bad file is rejected with its errors in the running instance's log, and the running config stays."})
public final class ReloadCommand implements Callable<Integer> {
    @Option(names = "--pid-file", paramLabel = "FILE", description = "PID file of the running instance (default: ${DEFAULT-VALUE}).")
    Path pidFile = ServeCommand.defaultPidFile();

    @Option(names = "--pid", paramLabel = "PID", description = "Process id of the running instance (instead of --pid-file).")
    Long pid;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        long target;
        if (pid != null) {
            target = pid;
        } else {
            try {
                target = Long.parseLong(Files.readString(pidFile).trim());
            } catch (NoSuchFileException e) {
                spec.commandLine().getErr().println("reload: no running sparetire: " + pidFile + " does not exist");
                return ExitCodes.NOT_RUNNING;
            } catch (NumberFormatException e) {
                spec.commandLine().getErr().println("reload: " + pidFile + " does not hold a process id");
                return ExitCodes.NOT_RUNNING;
            }
        }
        Optional<ProcessHandle> process = ProcessHandle.of(target);
        if (process.isEmpty() || !process.get().isAlive()) {
            spec.commandLine().getErr().println("reload: no running sparetire with pid " + target);
            return ExitCodes.NOT_RUNNING;
        }
        // The JDK cannot send SIGHUP itself; kill(1) is on every system that has SIGHUP.
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(target)).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            spec.commandLine().getErr().println("reload: could not signal pid " + target);
            return ExitCodes.NOT_RUNNING;
        }
        spec.commandLine().getOut().println("reload requested from pid " + target + "; its log shows the outcome");
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
