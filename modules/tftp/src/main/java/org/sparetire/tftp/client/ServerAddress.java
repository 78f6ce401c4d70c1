package org.sparetire.tftp.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** {@code HOST}, {@code HOST:PORT}, {@code [v6]:PORT} or a bare IPv6 address, as typed on a command line. */
public final class ServerAddress {
    public static final int TFTP_PORT = 69;

    private ServerAddress() {
    }

    public static InetSocketAddress parse(String text) throws UnknownHostException {
        String host = text.trim();
        int port = TFTP_PORT;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' in " + text);
            }
            String rest = host.substring(close + 1);
            host = host.substring(1, close);
            if (rest.startsWith(":")) {
                port = port(rest.substring(1), text);
            } else if (!rest.isEmpty()) {
                throw new IllegalArgumentException("unexpected '" + rest + "' in " + text);
            }
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            int colon = host.indexOf(':');
            port = port(host.substring(colon + 1), text);
            host = host.substring(0, colon);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("no host in " + text);
        }
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    private static int port(String s, String text) {
        try {
            int p = Integer.parseInt(s);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port: '" + s + "' in " + text);
        }
    }
}
