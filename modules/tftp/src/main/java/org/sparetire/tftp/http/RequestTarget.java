package org.sparetire.tftp.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.util.Optional;

/** The file name an HTTP request-target names, in the form the TFTP policy takes names from the wire. */
public final class RequestTarget {
    private RequestTarget() {
    }

    /**
     * Drops the scheme and authority of an absolute-form target and the query, then decodes percent escapes
     * to raw bytes carried as ISO-8859-1 characters, as the TFTP codec carries a request's file name. The
     * policy then reads the name exactly as it reads a TFTP name: {@code %2e%2e} becomes {@code ..} before
     * the jail sees it, so both transports refuse the same names. Empty for a malformed escape.
     */
    public static Optional<String> wireName(String target) {
        String path = target;
        int scheme = path.indexOf("://");
        if (scheme > 0 && path.indexOf('/') > scheme) {
            int slash = path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        int cut = path.length();
        int q = path.indexOf('?');
        if (q >= 0) {
            cut = q;
        }
        int hash = path.indexOf('#');
        if (hash >= 0 && hash < cut) {
            cut = hash;
        }
        path = path.substring(0, cut);
        ByteArrayOutputStream out = new ByteArrayOutputStream(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%') {
                if (i + 2 >= path.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(path.charAt(i + 1), 16);
                int lo = Character.digit(path.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0xff) {
                return Optional.empty();
            } else {
                out.write(c);
            }
        }
        return Optional.of(out.toString(ISO_8859_1));
    }
}
