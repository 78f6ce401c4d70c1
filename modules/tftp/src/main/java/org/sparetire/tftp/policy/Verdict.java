package org.sparetire.tftp.policy;

import java.util.Objects;

/** Either a grant or a refusal. */
public final class Verdict<T> {
    private final T value;
    private final Refusal refusal;

    private Verdict(T value, Refusal refusal) {
        this.value = value;
        this.refusal = refusal;
    }

    public static <T> Verdict<T> grant(T value) {
        return new Verdict<>(Objects.requireNonNull(value), null);
    }

    public static <T> Verdict<T> refuse(Refusal refusal) {
        return new Verdict<>(null, Objects.requireNonNull(refusal));
    }

    public boolean granted() {
        return value != null;
    }

    public T value() {
        if (value == null) {
            throw new IllegalStateException("refused: " + refusal);
        }
        return value;
    }

    public Refusal refusal() {
        if (refusal == null) {
            throw new IllegalStateException("granted");
        }
        return refusal;
    }

    @Override
    public String toString() {
        return value != null ? "granted " + value : "refused " + refusal;
    }
}
