package org.sparetire.core.lifecycle;

/** A start or rebind that failed, with a message that fits on one line and tells the user what to do. */
public class ServiceStartException extends Exception {

    public ServiceStartException(String oneLine) {
        super(oneLine);
    }

    public ServiceStartException(String oneLine, Throwable cause) {
        super(oneLine, cause);
    }
}
