package org.sparetire.core.lifecycle;

import java.time.Duration;
import java.util.Objects;
import org.sparetire.core.config.CoreSettings;

/**
 * The lifecycle state machine of every service, written once (the role Guava's {@code AbstractService}
 * plays): NEW → STARTING → RUNNING → STOPPING → TERMINATED, or FAILED when starting fails. A service
 * implements only the hooks {@link #startUp()}, {@link #apply(Object, Object)} and {@link #shutDown(Duration)};
 * the transitions, the failure line and the settings the service accepted live here. All transitions hold
 * this object's monitor, so a subclass's own {@code synchronized} methods never see a half-made change.
 *
 * @param <C> the service's settings record
 */
public abstract class AbstractService<C> implements Service<C> {
    private volatile ServiceState state = ServiceState.NEW;
    private volatile String failure = "";
    private volatile C config;
    private volatile Duration grace = CoreSettings.DEFAULT_GRACE;

    protected AbstractService(C config) {
        this.config = Objects.requireNonNull(config);
    }

    /**
     * Binds every socket and opens every file {@code config} asks for, or throws leaving nothing bound.
     */
    protected abstract void startUp(C config) throws ServiceStartException;

    /**
     * Applies {@code next} to the running service. On failure the service must keep running as it was
     * with {@code old}; {@link #config()} still returns {@code old} while this runs.
     */
    protected abstract void apply(C old, C next) throws ServiceStartException;

    /**
     * Stops accepting work, lets in-flight work finish for at most {@code grace}, and closes everything
     * there is, whatever state the service reached: it also runs after a failed start and before any start.
     */
    protected abstract void shutDown(Duration grace);

    @Override
    public final synchronized void start() throws ServiceStartException {
        if (state != ServiceState.NEW) {
            throw new IllegalStateException(name() + " cannot start: it is " + state.name().toLowerCase());
        }
        state = ServiceState.STARTING;
        try {
            startUp(config);
        } catch (ServiceStartException | RuntimeException e) {
            failure = String.valueOf(e.getMessage());
            state = ServiceState.FAILED;
            throw e;
        }
        state = ServiceState.RUNNING;
    }

    /**
     * Applies a new section while running; a service that is not running only takes the section for its
     * next start. Equal settings change nothing. On failure the previous section stays in force.
     */
    @Override
    public final synchronized void reconfigure(C next) throws ServiceStartException {
        Objects.requireNonNull(next);
        C old = config;
        if (next.equals(old)) {
            return;
        }
        if (state == ServiceState.RUNNING) {
            apply(old, next);
        }
        config = next;
    }

    /** Idempotent: a second stop, or a stop after the service terminated, does nothing. */
    @Override
    public final synchronized void stop(Duration grace) {
        if (state == ServiceState.TERMINATED) {
            return;
        }
        state = ServiceState.STOPPING;
        try {
            shutDown(grace);
        } finally {
            state = ServiceState.TERMINATED;
        }
    }

    @Override
    public final void retireWithin(Duration grace) {
        this.grace = Objects.requireNonNull(grace);
    }

    /** How long retired work may run on, from {@code lifecycle.shutdown-grace}. */
    protected final Duration grace() {
        return grace;
    }

    /** The state now; readers never wait for a transition in progress. */
    public final ServiceState state() {
        return state;
    }

    /** Why the last start failed, or empty. */
    protected final String failure() {
        return failure;
    }

    /** The settings the service last accepted (or will start with). */
    protected final C config() {
        return config;
    }
}
