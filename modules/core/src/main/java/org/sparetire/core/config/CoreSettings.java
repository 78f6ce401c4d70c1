package org.sparetire.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the appliance itself, from the {@code logging:} and {@code lifecycle:} sections.
 *
 * @param logFile       where to also write the log, if anywhere
 * @param shutdownGrace how long in-flight work may run on after SIGTERM, or when a reload retires it
 *                      (a disabled service, a replaced writer or store, a stopped forwarder)
 * @param ioTransport   Netty transport: auto (epoll on Linux when it loads, else NIO), epoll or nio
 */
public record CoreSettings(LogLevel logLevel, Optional<Path> logFile, Duration shutdownGrace,
                           IoTransport ioTransport) {

    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    public enum IoTransport {
        AUTO, EPOLL, NIO
    }

    static CoreSettings bind(ConfigMapping root) {
        ConfigMapping logging = root.mapping("logging");
        LogLevel level = logging.choice("level", LogLevel.class, LogLevel.INFO);
        Optional<Path> file = logging.optionalPath("file");
        ConfigMapping lifecycle = root.mapping("lifecycle");
        Duration grace = lifecycle.duration("shutdown-grace", DEFAULT_GRACE);
        IoTransport transport = lifecycle.choice("io-transport", IoTransport.class, IoTransport.AUTO);
        return new CoreSettings(level, file, grace, transport);
    }
}
