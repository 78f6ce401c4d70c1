package org.sparetire.web.codec;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the API answers. An {@link #eventStream()} response asks the transport to keep the connection open as
 * a server-sent event stream (text/event-stream) instead of sending a body.
 */
public record WebResponse(int status, String contentType, byte[] body, Map<String, String> headers, boolean stream) {

    public static final String JSON = "application/json; charset=utf-8";
    public static final String TEXT = "text/plain; charset=utf-8";

    public WebResponse {
        headers = Map.copyOf(headers);
    }

    public static WebResponse json(int status, String json) {
        return new WebResponse(status, JSON, json.getBytes(StandardCharsets.UTF_8), Map.of(), false);
    }

    public static WebResponse json(String json) {
        return json(200, json);
    }

    /** An error as JSON: {@code {"error": "..."}}. */
    public static WebResponse error(int status, String message) {
        return json(status, new JsonWriter().beginObject().field("error", message).endObject().toString());
    }

    public static WebResponse bytes(int status, String contentType, byte[] body) {
        return new WebResponse(status, contentType, body, Map.of(), false);
    }

    public static WebResponse eventStream() {
        return new WebResponse(200, "text/event-stream; charset=utf-8", new byte[0], Map.of(), true);
    }

    public WebResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new WebResponse(status, contentType, body, h, stream);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
