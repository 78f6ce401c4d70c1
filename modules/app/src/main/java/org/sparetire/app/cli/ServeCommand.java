package org.sparetire.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.app.ExitCodes;
import org.sparetire.app.RunningAppliance;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigException;
import org.sparetire.core.config.ConfigProblem;
import org.sparetire.core.lifecycle.StartupFailure;
import org.sparetire.core.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the enabled services until SIGTERM or Ctrl-C.",
            "SIGHUP (or `sparetire reload`) re-reads the config: a bad file is rejected and the running config stays."})
public final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    ConfigOptions config;

    @Option(names = {"-v", "--verbose"}, description = "Log at debug level (one line per packet decision).")
    boolean verbose;

    @Option(names = "--pid-file", paramLabel = "FILE", description = "Write the process id here (default: ${DEFAULT-VALUE}).")
    Path pidFile = defaultPidFile();

    @Spec
    CommandSpec spec;

    public static Path defaultPidFile() {
        return Path.of(System.getProperty("java.io.tmpdir"), "sparetire.pid");
    }

    @Override
    public Integer call() throws InterruptedException {
        AppConfig loaded;
        try {
            loaded = config.load();
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                spec.commandLine().getErr().println(p);
            }
            spec.commandLine().getErr().flush();
            return ExitCodes.CONFIG_INVALID;
        }
        org.sparetire.app.LoggingControl.apply(loaded.core(), verbose);
        log.info("sparetire {} starting with {}", org.sparetire.app.Version.current(), loaded.source());

        RunningAppliance appliance;
        try {
            appliance = RunningAppliance.start(loaded, Clock.system());
        } catch (StartupFailure e) {
            // One line a person can act on; the rest of the story is in the log above it.
            log.error(e.getMessage());
            return ExitCodes.SERVICE_FAILED;
        }
        log.info("ready in {} ms ({} transport): {}", RunningAppliance.millisSinceJvmStart(), appliance.transport(),
                appliance.readySummary());
        writePidFile();

        CountDownLatch stopped = new CountDownLatch(1);
        Signals.onHangup(() -> appliance.reload(() -> {
            AppConfig staged = config.load();
            org.sparetire.app.LoggingControl.apply(staged.core(), verbose);
            return staged;
        }));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping (grace {})", appliance.config().core().shutdownGrace());
            appliance.close();
            deletePidFile();
            stopped.countDown();
        }, "sparetire-shutdown"));
        stopped.await();
        return ExitCodes.OK;
    }

    private void writePidFile() {
        try {
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            log.warn("cannot write pid file {}: {} (reload with kill -HUP {})", pidFile, e.getMessage(),
                    ProcessHandle.current().pid());
        }
    }

    private void deletePidFile() {
        try {
            String content = Files.readString(pidFile).trim();
            if (content.equals(Long.toString(ProcessHandle.current().pid()))) {
                Files.delete(pidFile);
            }
        } catch (IOException e) {
            // Already gone or unreadable: nothing of ours to remove.
        }
    }
}
