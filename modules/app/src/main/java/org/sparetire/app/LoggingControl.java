package org.sparetire.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import org.sparetire.core.config.CoreSettings;
import org.sparetire.core.config.LogLevel;

/**
 * Applies the config's logging section to logback: level, and an optional file beside the console. Both
 * outputs sit behind an {@link AsyncAppender} (logback.xml), so an event loop that logs never waits for
 * the console or the disk.
 */
public final class LoggingControl {
    private static final String FILE_APPENDER = "FILE";

    private LoggingControl() {
    }

    public static void apply(CoreSettings settings, boolean verbose) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LogLevel level = verbose && settings.logLevel().compareTo(LogLevel.DEBUG) > 0 ? LogLevel.DEBUG : settings.logLevel();
        context.getLogger("org.sparetire").setLevel(Level.toLevel(level.name()));
        root.setLevel(level.compareTo(LogLevel.INFO) < 0 ? Level.INFO : Level.toLevel(level.name()));

        ch.qos.logback.core.Appender<ILoggingEvent> previous = root.getAppender(FILE_APPENDER);
        if (previous != null) {
            root.detachAppender(previous);
            previous.stop();
        }
        settings.logFile().ifPresent(path -> root.addAppender(queued(context, fileAppender(context, path))));
    }

    /** Writes out what the log queues hold and closes the outputs; the last thing before the JVM exits. */
    public static void flush() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }

    private static AsyncAppender queued(LoggerContext context, ch.qos.logback.core.Appender<ILoggingEvent> out) {
        AsyncAppender async = new AsyncAppender();
        async.setName(FILE_APPENDER);
        async.setContext(context);
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.addAppender(out);
        async.start();
        return async;
    }

    /**
     * Raises the console's threshold (e.g. to WARN while the terminal shows a live frame), or restores it
     * with null. The log file, if any, is not affected.
     */
    public static void consoleThreshold(String level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.Appender<ILoggingEvent> console = root.getAppender("CONSOLE");
        if (console == null && root.getAppender("ASYNC") instanceof AsyncAppender async) {
            console = async.getAppender("CONSOLE");
        }
        if (console == null) {
            return;
        }
        console.clearAllFilters();
        if (level != null) {
            ch.qos.logback.classic.filter.ThresholdFilter filter = new ch.qos.logback.classic.filter.ThresholdFilter();
            filter.setLevel(level);
            filter.start();
            console.addFilter(filter);
        }
    }

    private static FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> fileAppender(LoggerContext context, Path path) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (java.io.IOException e) {
            LoggerFactory.getLogger(LoggingControl.class).warn("cannot create the folder of log file {}: {}", path, e.getMessage());
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{0} %msg%n");
        encoder.start();
        FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new FileAppender<>();
        appender.setName(FILE_APPENDER);
        appender.setContext(context);
        appender.setFile(path.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
