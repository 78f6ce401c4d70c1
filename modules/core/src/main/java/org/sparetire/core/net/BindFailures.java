package org.sparetire.core.net;

import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * Turns a failed bind into the one line a person needs: what, where, why, and what to do about it.
 * Netty's epoll and NIO transports word the same errno differently, so this matches on the text.
 */
public final class BindFailures {
    private BindFailures() {
    }

    /**
     * @param settingKey the config key that chooses the port, such as {@code tftp.port}
     */
    public static String describe(InetSocketAddress address, String settingKey, Throwable failure) {
        String where = Addresses.format(address);
        String text = messages(failure).toLowerCase(Locale.ROOT);
        if (text.contains("permission denied") || text.contains("eacces") || text.contains("access denied")) {
            String advice = address.getPort() < 1024
                    ? "run as root, grant CAP_NET_BIND_SERVICE, or set " + settingKey
                    : "check the address and your privileges";
            return "cannot bind " + where + ": permission denied (" + advice + ")";
        }
        if (text.contains("address already in use") || text.contains("eaddrinuse")) {
            return "cannot bind " + where + ": address already in use (another program serves this port: stop it or set "
                    + settingKey + ")";
        }
        if (text.contains("cannot assign requested address") || text.contains("eaddrnotavail")) {
            return "cannot bind " + where + ": no interface has this address (check the bind address, or wait for the "
                    + "interface to come up)";
        }
        String reason = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return "cannot bind " + where + ": " + reason;
    }

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(' ');
        }
        return sb.toString();
    }
}
