package org.sparetire.core.lifecycle;

/** The appliance could not start; every service that had started was stopped again. */
public class StartupFailure extends Exception {
    private final String serviceName;

    public StartupFailure(String serviceName, String oneLine, Throwable cause) {
        super(oneLine, cause);
        this.serviceName = serviceName;
    }

    public String serviceName() {
        return serviceName;
    }
}
