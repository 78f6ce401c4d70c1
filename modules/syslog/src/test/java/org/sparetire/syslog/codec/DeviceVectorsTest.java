package org.sparetire.syslog.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs every vector in {@code vectors/devices.txt} through the parser chain and checks each field it names. */
class DeviceVectorsTest {
    private static final Instant RECEIVED = Instant.parse("2026-11-24T05:00:00Z");

    record Vector(String name, Map<String, String> fields) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Vector> vectors() throws IOException {
        String text;
        try (InputStream in = DeviceVectorsTest.class.getResourceAsStream("/vectors/devices.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Vector> out = new ArrayList<>();
        String name = null;
        Map<String, String> fields = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("## ")) {
                if (name != null && fields.containsKey("in")) {
                    out.add(new Vector(name, fields));
                }
                if (fields != null && !fields.containsKey("in") && name != null) {
                    name = name + " " + line.substring(3); // a continued title line
                    continue;
                }
                name = line.substring(3);
                fields = new LinkedHashMap<>();
            } else if (fields != null && line.contains(":") && !line.startsWith("#")) {
                int colon = line.indexOf(':');
                String value = line.substring(colon + 1);
                fields.put(line.substring(0, colon), value.startsWith(" ") ? value.substring(1) : value);
            }
        }
        out.add(new Vector(name, fields));
        return out;
    }

    @Test
    void thereAreAtLeastThirtyRealDeviceVectors() throws IOException {
        assertThat(vectors()).hasSizeGreaterThanOrEqualTo(30);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void parsesEveryField(Vector v) {
        Map<String, String> f = v.fields();
        Instant now = f.containsKey("now") ? Instant.parse(f.get("now")) : RECEIVED;
        SyslogMessage m = SyslogParser.parse(unescape(f.get("in")), now);

        String fmt = f.get("fmt");
        Class<?> expected = switch (fmt) {
            case "5424" -> Rfc5424Message.class;
            case "3164" -> Rfc3164Message.class;
            default -> RawMessage.class;
        };
        assertThat(m).as("format").isInstanceOf(expected);
        check(f, "pri", Priority.label(m.facility(), m.severity()));
        check(f, "time", m.timestamp() == null ? null : m.timestamp().toString());
        check(f, "host", m.hostname());
        check(f, "app", m.app());
        check(f, "pid", m.procId());
        check(f, "msg", m.message());
        if (m instanceof Rfc3164Message r) {
            check(f, "seq", r.sequence());
            check(f, "unsynced", Boolean.toString(r.unsynced()));
        }
        if (m instanceof Rfc5424Message r) {
            check(f, "msgid", r.msgId());
            check(f, "bom", Boolean.toString(r.bom()));
            check(f, "sd", r.structuredData().isEmpty() ? null : r.structuredData().stream()
                    .map(e -> "[" + e.id() + e.params().stream().map(p -> " " + p.name() + "=" + p.value())
                            .collect(Collectors.joining()) + "]")
                    .collect(Collectors.joining()));
        }
    }

    private static void check(Map<String, String> f, String key, String actual) {
        if (!f.containsKey(key)) {
            return;
        }
        String want = f.get(key);
        if (want.equals("-") && !key.equals("pri")) {
            assertThat(actual).as(key).isNull();
        } else {
            assertThat(actual).as(key).isEqualTo(want);
        }
    }

    static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < utf8.length; i++) {
            byte c = utf8[i];
            if (c == '\\' && i + 1 < utf8.length) {
                char n = (char) utf8[i + 1];
                switch (n) {
                    case 'x' -> {
                        out.write(Integer.parseInt(new String(utf8, i + 2, 2, StandardCharsets.US_ASCII), 16));
                        i += 3;
                    }
                    case 'r' -> { out.write('\r'); i++; }
                    case 'n' -> { out.write('\n'); i++; }
                    case '0' -> { out.write(0); i++; }
                    default -> out.write(c); // a literal backslash, as in SD escapes
                }
                continue;
            }
            out.write(c);
        }
        return out.toByteArray();
    }
}
