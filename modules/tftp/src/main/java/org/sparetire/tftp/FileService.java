package org.sparetire.tftp;

import java.util.List;
import org.sparetire.core.lifecycle.AbstractService;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.lifecycle.ServiceState;
import org.sparetire.tftp.policy.SharedFiles;

/**
 * What the two transports of the boot files (TFTP and HTTP boot) share as services: the files each
 * keeps open for its readers, and the health line. Public only so that the lifecycle methods it inherits
 * are callable (and method-referable) through either service.
 */
public abstract class FileService<C> extends AbstractService<C> {
    final SharedFiles files = new SharedFiles();

    FileService(C config) {
        super(config);
    }

    abstract ServiceHealth.Endpoint endpoint();

    abstract int active();

    abstract long served();

    @Override
    public final ServiceHealth health() {
        ServiceState s = state();
        if (s != ServiceState.RUNNING) {
            return new ServiceHealth(s, List.of(), "");
        }
        return new ServiceHealth(s, List.of(endpoint()),
                active() + " active, " + served() + " done, " + files.openFiles() + " files open");
    }
}
