package org.sparetire.app;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Shows {@code tftp}, {@code dhcp}, {@code syslog}, {@code core} instead of a class name: who said it, not where. */
public final class ServiceNameConverter extends ClassicConverter {
    private static final String PREFIX = "org.sparetire.";

    @Override
    public String convert(ILoggingEvent event) {
        String name = event.getLoggerName();
        if (name.startsWith(PREFIX)) {
            int end = name.indexOf('.', PREFIX.length());
            return end < 0 ? name.substring(PREFIX.length()) : name.substring(PREFIX.length(), end);
        }
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }
}
