package org.sparetire.web.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's HTML, CSS and JS, read once from the jar at start: plain files, no build step, and a
 * fixed list, so no request path ever reaches the class loader.
 */
public final class StaticAssets {
    private static final String BASE = "/org/sparetire/web/assets/";
    private static final List<String> FILES = List.of("index.html", "app.js", "style.css", "favicon.svg");

    public record Asset(String contentType, byte[] body) {
    }

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    public StaticAssets() {
        for (String name : FILES) {
            try (InputStream in = StaticAssets.class.getResourceAsStream(BASE + name)) {
                if (in == null) {
                    throw new IllegalStateException("dashboard asset missing from the jar: " + name);
                }
                assets.put(name, new Asset(contentType(name), in.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The asset named by the last path segment under /assets/, if it is one of ours. */
    public Optional<Asset> get(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    public Asset page() {
        return assets.get("index.html");
    }

    static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        return "application/octet-stream";
    }
}
