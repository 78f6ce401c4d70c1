package org.sparetire.core.config;

import java.util.Objects;

/**
 * Names a top-level section and the binder that owns it. Each service module declares its own key, so
 * a service's settings live beside its code while the file stays one document.
 */
public final class SectionKey<T> {
    private final String name;
    private final SectionBinder<T> binder;

    public SectionKey(String name, SectionBinder<T> binder) {
        this.name = Objects.requireNonNull(name);
        this.binder = Objects.requireNonNull(binder);
    }

    public String name() {
        return name;
    }

    SectionBinder<T> binder() {
        return binder;
    }

    @Override
    public String toString() {
        return name;
    }
}
