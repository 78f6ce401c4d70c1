package org.sparetire.tftp.codec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** OACK (RFC 2347): the options the server accepted, with the values it chose. */
public record OptionAck(Map<String, String> options) implements TftpPacket {
    public OptionAck {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    @Override
    public int opcode() {
        return OP_OACK;
    }
}
