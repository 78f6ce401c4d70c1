package org.sparetire.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Duration;
import java.util.List;
import org.sparetire.app.ExitCodes;
import org.sparetire.app.BenchPointers;
import org.sparetire.app.LoggingControl;
import org.sparetire.app.RunningAppliance;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigException;
import org.sparetire.core.config.ConfigProblem;
import org.sparetire.core.config.ConfigText;
import org.sparetire.core.config.Position;
import org.sparetire.dhcp.DhcpQuickMode;
import org.sparetire.core.lifecycle.ReloadReport;
import org.sparetire.core.lifecycle.ServiceManager;
import org.sparetire.core.lifecycle.StartupFailure;
import org.sparetire.core.net.LocalAddresses;
import org.sparetire.core.time.Clock;
import org.sparetire.app.terminal.TerminalDisplay;
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

    @Option(names = "--dhcp-on", paramLabel = "IFACE",
            description = {"Quick DHCP on one bench interface: subnet, pool and next-server come from IFACE's own address.",
                "Refuses an interface without IPv4, and the default route's interface unless --force."})
    String dhcpOn;

    @Option(names = "--force", description = "With --dhcp-on: allow the interface that carries the default route.")
    boolean force;

    @Option(names = "--exit-when-ready", hidden = true,
            description = "Stop as soon as every socket is bound (start-up benchmark, class-data-sharing training run).")
    boolean exitWhenReady;

    @Option(names = "--plain", description = "Plain log lines even on a terminal (no live status frame).")
    boolean plain;

    @Option(names = "--pid-file", paramLabel = "FILE",
            description = "Write the process id here (default: one file per config in $XDG_RUNTIME_DIR or the temp folder, "
                    + "which `sparetire reload -c FILE` finds).")
    Path pidFile;

    @Spec
    CommandSpec spec;

    private final AtomicLong reloads = new AtomicLong();

    @Override
    public Integer call() throws InterruptedException {
        AppConfig loaded;
        try {
            loaded = load();
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                spec.commandLine().getErr().println(p);
            }
            spec.commandLine().getErr().flush();
            return ExitCodes.CONFIG_INVALID;
        }
        LoggingControl.apply(loaded.core(), verbose);
        loaded.warnings().forEach(w -> log.warn("{}", w));
        if (pidFile == null) {
            pidFile = PidFiles.defaultFor(config.file());
        }
        log.info("sparetire {} starting with {}", org.sparetire.app.Version.describe(), loaded.source());

        ServiceManager.ConfigSource reloadSource = () -> {
            AppConfig staged = load();
            LoggingControl.apply(staged.core(), verbose);
            return staged;
        };
        RunningAppliance appliance;
        try {
            appliance = RunningAppliance.start(loaded, Clock.system(), reloadSource);
        } catch (StartupFailure e) {
            // One line a person can act on; the rest of the story is in the log above it.
            log.error(e.getMessage());
            return ExitCodes.SERVICE_FAILED;
        }
        log.info("ready in {} ms ({} transport): {}", RunningAppliance.millisSinceJvmStart(), appliance.transport(),
                appliance.readySummary());
        if (exitWhenReady) {
            appliance.close();
            return ExitCodes.OK;
        }
        writePidFile();

        CountDownLatch stopRequested = new CountDownLatch(1);
        if (!Signals.onHangup(() -> appliance.reload().thenAccept(this::writeVerdict))) {
            log.warn("SIGHUP cannot reach this process (started under nohup?): `sparetire reload` will not work; "
                    + "reload from the dashboard's Config page, or restart to apply config changes");
        }
        TerminalDisplay display = startTerminalDisplay(appliance);
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stop = () -> {
            if (!stopping.compareAndSet(false, true)) {
                return;
            }
            if (display != null) {
                display.close();
                LoggingControl.consoleThreshold(null);
            }
            log.info("stopping (grace {})", ConfigText.duration(appliance.config().core().shutdownGrace()));
            appliance.close();
            deletePidFile();
        };
        // SIGTERM and Ctrl-C stop here and exit 0; the hook covers every other way the JVM can end.
        Signals.onTerminate(stopRequested::countDown);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            // The JVM halts once the hooks return: what the log queue holds is written out first.
            LoggingControl.flush();
            stopRequested.countDown();
        }, "sparetire-shutdown"));
        stopRequested.await();
        stop.run();
        return ExitCodes.OK;
    }

    /** The config file (or the embedded default) with the command line's overrides and quick DHCP mode applied. */
    private AppConfig load() throws ConfigException {
        AppConfig loaded = config.load();
        if (dhcpOn == null) {
            return loaded;
        }
        try {
            return DhcpQuickMode.applyTo(loaded, dhcpOn, force);
        } catch (DhcpQuickMode.Refused e) {
            throw new ConfigException(List.of(new ConfigProblem(Position.commandLine("--dhcp-on"), e.getMessage())));
        }
    }

    /**
     * On a terminal, a live frame (transfers with progress bars, last leases) replaces the scrolling log;
     * warnings still print, and the log file, if configured, keeps every line.
     */
    private TerminalDisplay startTerminalDisplay(RunningAppliance appliance) {
        if (plain || System.console() == null) {
            return null;
        }
        LoggingControl.consoleThreshold("WARN");
        return TerminalDisplay.start(appliance.events(), Clock.system(), System.out, TerminalWidth.open(),
                Duration.ofMillis(250), !"C".equals(System.getenv("LANG")), appliance::health,
                () -> BenchPointers.lines(appliance.config(), appliance.health(), LocalAddresses.current()));
    }


    /** What `sparetire reload` waits for: the outcome of the reload its SIGHUP asked for. */
    private void writeVerdict(ReloadReport report) {
        Path file = PidFiles.verdictFile(pidFile);
        try {
            ReloadVerdict.of(reloads.incrementAndGet(), report).write(file);
        } catch (IOException e) {
            log.warn("cannot write reload verdict {}: {}", file, e.getMessage());
        }
    }

    private void writePidFile() {
        try {
            Optional<ProcessHandle> holder = heldBy(pidFile);
            if (holder.isPresent()) {
                // Another instance on the same config: keep its file, so `reload` still reaches it.
                log.warn("pid file {} belongs to running pid {}; not replacing it (reload this one with --pid {}, "
                        + "or give it its own --pid-file)", pidFile, holder.get().pid(), ProcessHandle.current().pid());
                pidFile = Path.of(pidFile + "." + ProcessHandle.current().pid());
            }
            Files.deleteIfExists(PidFiles.verdictFile(pidFile));
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            log.warn("cannot write pid file {}: {} (reload with kill -HUP {})", pidFile, e.getMessage(),
                    ProcessHandle.current().pid());
        }
    }

    /** The live process other than this one that the pid file names, if any. */
    private static Optional<ProcessHandle> heldBy(Path file) {
        try {
            long pid = Long.parseLong(Files.readString(file).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> p.pid() != ProcessHandle.current().pid());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void deletePidFile() {
        try {
            String content = Files.readString(pidFile).trim();
            if (content.equals(Long.toString(ProcessHandle.current().pid()))) {
                Files.delete(pidFile);
                Files.deleteIfExists(PidFiles.verdictFile(pidFile));
            }
        } catch (IOException e) {
            // Already gone or unreadable: nothing of ours to remove.
        }
    }
}
