package org.sparetire.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The dashboard's shared secret. A class rather than a String so that nothing that prints a config
 * (the effective-config page, {@code sparetire check}, a log line) can ever show it: its text form is
 * always {@value #REDACTED}. Equality is by value, so the lifecycle manager still sees a changed token.
 */
public final class AccessToken {
    public static final String REDACTED = "********";

    private final String secret;

    public AccessToken(String secret) {
        this.secret = Objects.requireNonNull(secret);
    }

    /** Constant-time comparison, so response timing does not leak how much of a guess was right. */
    public boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    /** The secret itself, for redacting it out of texts such as the config file; never for display. */
    public String reveal() {
        return secret;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessToken other && MessageDigest.isEqual(
                secret.getBytes(StandardCharsets.UTF_8), other.secret.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return secret.hashCode();
    }

    @Override
    public String toString() {
        return REDACTED;
    }
}
