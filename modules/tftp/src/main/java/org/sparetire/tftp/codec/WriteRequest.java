package org.sparetire.tftp.codec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

public record WriteRequest(String filename, Mode mode, Map<String, String> options) implements Request {
    public WriteRequest {
        Objects.requireNonNull(filename);
        Objects.requireNonNull(mode);
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    public WriteRequest(String filename, Mode mode) {
        this(filename, mode, Map.of());
    }

    @Override
    public int opcode() {
        return OP_WRQ;
    }
}
