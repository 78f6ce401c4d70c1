package org.sparetire.core.config;

public enum LogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR
}
