package org.sparetire.web.codec;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP request as the API sees it, free of Netty types so routing and access rules are plain,
 * testable functions.
 *
 * @param path    the decoded path without the query, such as {@code /api/devices/10.0.0.5}
 * @param query   query parameters, first value per name
 * @param headers header values by lower-case name (the last one wins; none the API reads may repeat)
 * @param body    the request body as text (forms are small), empty when none
 */
public record WebRequest(String method, String path, Map<String, String> query, Map<String, String> headers,
                         String body, InetSocketAddress remote) {

    public WebRequest {
        query = Map.copyOf(query);
        Map<String, String> lower = new LinkedHashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        headers = Map.copyOf(lower);
        body = body == null ? "" : body;
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    public String param(String name, String defaultValue) {
        String v = query.get(name);
        return v == null || v.isBlank() ? defaultValue : v;
    }

    public int intParam(String name, int defaultValue, int min, int max) {
        try {
            return Math.max(min, Math.min(max, Integer.parseInt(param(name, Integer.toString(defaultValue)).trim())));
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }

    public long longParam(String name, long defaultValue) {
        try {
            return Long.parseLong(param(name, Long.toString(defaultValue)).trim());
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }

    /** A cookie's value from the Cookie header (RFC 6265 section 5.4), if sent. */
    public Optional<String> cookie(String name) {
        String header = headers.get("cookie");
        if (header == null) {
            return Optional.empty();
        }
        for (String part : header.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equals(name)) {
                return Optional.of(part.substring(eq + 1).trim());
            }
        }
        return Optional.empty();
    }

    /** Fields of an {@code application/x-www-form-urlencoded} body. */
    public Map<String, String> form() {
        return parseQuery(body);
    }

    public static Map<String, String> parseQuery(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.putIfAbsent(k, v);
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    public List<String> pathSegments() {
        return List.of(path.replaceAll("^/+|/+$", "").split("/+"));
    }
}
