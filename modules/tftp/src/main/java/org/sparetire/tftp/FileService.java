package org.sparetire.tftp;

import java.time.Duration;
import java.util.List;
import org.sparetire.core.lifecycle.Service;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.lifecycle.ServiceState;
import org.sparetire.tftp.policy.SharedFiles;

/**
 * What the two transports of the boot files (TFTP and HTTP boot) share as services: the lifecycle
 * states, the files each keeps open for its readers, and the health line. Public only so that the
 * lifecycle methods it implements are callable (and method-referable) through either service; the
 * hooks stay package-private.
 */
public abstract class FileService<C> implements Service<C> {
    final SharedFiles files = new SharedFiles();
    private volatile ServiceState state = ServiceState.NEW;

    /** Binds the listener with the current settings, or fails leaving nothing bound. */
    abstract void bind() throws ServiceStartException;

    abstract void stopServer(Duration grace);

    abstract ServiceHealth.Endpoint endpoint();

    abstract int active();

    abstract long served();

    @Override
    public final synchronized void start() throws ServiceStartException {
        state = ServiceState.STARTING;
        try {
            bind();
            state = ServiceState.RUNNING;
        } catch (ServiceStartException e) {
            state = ServiceState.FAILED;
            throw e;
        }
    }

    @Override
    public final synchronized void stop(Duration grace) {
        if (state == ServiceState.TERMINATED) {
            return;
        }
        state = ServiceState.STOPPING;
        stopServer(grace);
        state = ServiceState.TERMINATED;
    }

    @Override
    public final ServiceHealth health() {
        ServiceState s = state;
        if (s != ServiceState.RUNNING) {
            return new ServiceHealth(s, List.of(), "");
        }
        return new ServiceHealth(s, List.of(endpoint()),
                active() + " active, " + served() + " done, " + files.openFiles() + " files open");
    }
}
