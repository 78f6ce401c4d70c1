package org.sparetire.syslog.codec;

import java.time.Instant;
import java.util.List;

/**
 * A message that passed the strict RFC 5424 grammar (section 6). NILVALUE fields are null.
 *
 * @param structuredData the SD-ELEMENTs in order; empty for NILVALUE
 * @param bom            whether MSG started with the UTF-8 BOM (section 6.4), which is not part of {@code message}
 */
public record Rfc5424Message(int facility, int severity, int version, Instant timestamp, String hostname, String app,
                             String procId, String msgId, List<SdElement> structuredData, String message, boolean bom)
        implements SyslogMessage {

    public Rfc5424Message {
        structuredData = List.copyOf(structuredData);
    }

    public Rfc5424Message withBom(boolean withBom) {
        return new Rfc5424Message(facility, severity, version, timestamp, hostname, app, procId, msgId, structuredData,
                message, withBom);
    }

    /** One SD-ELEMENT: {@code [id name="value" ...]}. */
    public record SdElement(String id, List<SdParam> params) {
        public SdElement {
            params = List.copyOf(params);
        }
    }

    /** One SD-PARAM with its value unescaped (section 6.3.3). */
    public record SdParam(String name, String value) {
    }
}
