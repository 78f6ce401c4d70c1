package org.sparetire.core.lifecycle;

import java.time.Duration;
import java.util.Optional;

/**
 * The contract every sparetire service keeps with the {@link ServiceManager}.
 * A service is built from its own settings only (its section, see {@link ServiceSlot#settings()}) and
 * never sees another service.
 *
 * @param <C> the service's settings record
 */
public interface Service<C> {

    String name();

    /**
     * Binds every socket and opens every file the service needs, or fails leaving nothing bound.
     *
     * @throws ServiceStartException with one line a person can act on
     */
    void start() throws ServiceStartException;

    /**
     * Applies a new, already validated section while running: in place where possible, rebinding only
     * the sockets whose address changed, never dropping in-flight work. On failure the service keeps
     * running with its previous section.
     */
    void reconfigure(C newConfig) throws ServiceStartException;

    /**
     * Stops accepting new work, lets in-flight work finish for at most {@code grace}, then closes
     * everything. Idempotent.
     */
    void stop(Duration grace);

    /**
     * How long work that a reload retires (a replaced writer, a closed store, a disabled service's
     * transfers) may run on: the manager passes {@code lifecycle.shutdown-grace} before the start and
     * before every reconfigure. A service with nothing to retire ignores it.
     */
    default void retireWithin(Duration grace) {
    }

    ServiceHealth health();

    /**
     * The query port of type {@code port} this service answers through (see {@code core.query}), or empty.
     * By default the service itself, when it implements the port.
     */
    default <Q> Optional<Q> query(Class<Q> port) {
        return port.isInstance(this) ? Optional.of(port.cast(this)) : Optional.empty();
    }
}
