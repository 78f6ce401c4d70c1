package org.sparetire.tftp.codec;

import java.util.Locale;
import java.util.Optional;

/** Transfer modes of RFC 1350 section 1; the mode string is case-insensitive on the wire. */
public enum Mode {
    NETASCII, OCTET,
    /** Obsolete (RFC 1350 says it "should not be implemented"); decoded so the server can refuse it clearly. */
    MAIL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Mode> parse(String text) {
        for (Mode m : values()) {
            if (m.wireName().equalsIgnoreCase(text)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
