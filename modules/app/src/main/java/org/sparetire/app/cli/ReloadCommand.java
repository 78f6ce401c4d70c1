package org.sparetire.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.sparetire.app.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Ask a running sparetire to re-read its config (as kill -HUP does) and wait for its verdict.",
            "Prints what changed and exits 0, or prints each problem as file:line:col and exits 3 when the file",
            "was rejected (the running config stays); exits 1 when a service kept its previous settings."})
public final class ReloadCommand implements Callable<Integer> {
    @Mixin
    ConfigFileOption config;

    @Option(names = "--pid-file", paramLabel = "FILE",
            description = "PID file of the running instance (default: the one serve -c FILE writes for the same config).")
    Path pidFile;

    @Option(names = "--pid", paramLabel = "PID", description = "Process id of the running instance (instead of --pid-file).")
    Long pid;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long to wait for the verdict (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path file = pidFile != null ? pidFile : PidFiles.defaultFor(config.file());
        Optional<Long> fromFile = readPid(file);
        long target;
        if (pid != null) {
            target = pid;
        } else if (fromFile.isPresent()) {
            target = fromFile.get();
        } else {
            err.println("reload: no running sparetire: " + file + (Files.exists(file) ? " does not hold a process id"
                    : " does not exist (give the same -c as serve, or --pid-file/--pid)"));
            err.flush();
            return ExitCodes.NOT_RUNNING;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(target);
        if (process.isEmpty() || !process.get().isAlive()) {
            err.println("reload: no running sparetire with pid " + target);
            err.flush();
            return ExitCodes.NOT_RUNNING;
        }
        // The verdict file is only ours to read when the pid file names the process we signal.
        Path verdicts = fromFile.isPresent() && fromFile.get() == target ? PidFiles.verdictFile(file) : null;
        long before = verdicts == null ? 0 : ReloadVerdict.read(verdicts).map(ReloadVerdict::sequence).orElse(0L);

        // The JDK cannot send SIGHUP itself; kill(1) is on every system that has SIGHUP.
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(target)).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            err.println("reload: could not signal pid " + target);
            err.flush();
            return ExitCodes.NOT_RUNNING;
        }
        if (verdicts == null) {
            out.println("reload requested from pid " + target + "; its log shows the outcome");
            out.flush();
            return ExitCodes.OK;
        }
        Optional<ReloadVerdict> verdict = awaitVerdict(verdicts, before, process.get());
        if (verdict.isEmpty()) {
            err.println("reload: pid " + target + " gave no verdict within " + waitSeconds + " s; its log shows the outcome");
            err.flush();
            return ExitCodes.SERVICE_FAILED;
        }
        ReloadVerdict v = verdict.get();
        switch (v.outcome()) {
            case APPLIED -> {
                out.println("reload applied by pid " + target + ":");
                v.lines().forEach(l -> out.println("  " + l));
                out.flush();
                return ExitCodes.OK;
            }
            case REJECTED -> {
                v.lines().forEach(err::println);
                err.println("reload rejected by pid " + target + ": the running configuration stays");
                err.flush();
                return ExitCodes.CONFIG_INVALID;
            }
            default -> {
                v.lines().forEach(l -> err.println("  " + l));
                err.println("reload incomplete in pid " + target + ": the services above kept their previous settings");
                err.flush();
                return ExitCodes.SERVICE_FAILED;
            }
        }
    }

    private Optional<ReloadVerdict> awaitVerdict(Path verdicts, long before, ProcessHandle process) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        while (System.nanoTime() - deadline < 0 && process.isAlive()) {
            Optional<ReloadVerdict> v = ReloadVerdict.read(verdicts).filter(r -> r.sequence() > before);
            if (v.isPresent()) {
                return v;
            }
            Thread.sleep(50);
        }
        return ReloadVerdict.read(verdicts).filter(r -> r.sequence() > before);
    }

    private static Optional<Long> readPid(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file).trim()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
