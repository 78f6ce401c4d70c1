package org.sparetire.web.store;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.sparetire.core.net.Addresses;

/** How a device is named in URLs and links: its MAC (lower-case, colons) or its IP address. */
public final class DeviceKeys {
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}([:-][0-9a-f]{2}){5}");

    private DeviceKeys() {
    }

    public static boolean isMac(String key) {
        return MAC.matcher(key.toLowerCase(Locale.ROOT)).matches();
    }

    /** {@code 52-54-00-AB-CD-EF} and {@code 52:54:00:ab:cd:ef} name the same device. */
    public static String normaliseMac(String mac) {
        return mac.toLowerCase(Locale.ROOT).replace('-', ':');
    }

    /** A numeric address, never a DNS lookup. */
    public static Optional<InetAddress> address(String key) {
        try {
            return Optional.of(Addresses.parseNumeric(key));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
