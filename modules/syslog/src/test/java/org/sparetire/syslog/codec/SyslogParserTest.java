package org.sparetire.syslog.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SyslogParserTest {
    private static final Instant NOW = Instant.parse("2026-11-24T05:00:00Z");

    @Test
    void neverThrowsAndAlwaysYieldsAMessage() {
        Random random = new Random(5);
        String alphabet = "<>0123456789 -[]=\"\\:*.TZabcJanMar\n\r\0\u00ff";
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[random.nextInt(48)];
            for (int k = 0; k < b.length; k++) {
                b[k] = random.nextInt(4) == 0 ? (byte) random.nextInt(256)
                        : (byte) alphabet.charAt(random.nextInt(alphabet.length()));
            }
            if (random.nextBoolean() && b.length > 6) {
                System.arraycopy("<13>1 ".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 6);
            }
            SyslogMessage m = SyslogParser.parse(b, NOW);
            assertThat(m).isNotNull();
            assertThat(m.message()).isNotNull();
        }
    }

    @Test
    void aRepeatedYearlessStampGetsTheYearOfEachReceiveTime() {
        // The parser remembers the last yearless stamp per thread; each message must still get its own year.
        assertThat(yearOf("Dec 31 23:59:58", "2026-12-31T23:59:59Z")).isEqualTo("2026-12-31T23:59:58Z");
        assertThat(yearOf("Dec 31 23:59:58", "2027-01-01T00:00:03Z")).isEqualTo("2026-12-31T23:59:58Z");
        assertThat(yearOf("Dec 31 23:59:58", "2027-12-31T23:59:59Z")).isEqualTo("2027-12-31T23:59:58Z");
        // Same stamp, same receive day: more than a day ahead of the first receive time, not of the second.
        assertThat(yearOf("Jun  2 12:00:00", "2026-06-01T00:00:01Z")).isEqualTo("2025-06-02T12:00:00Z");
        assertThat(yearOf("Jun  2 12:00:00", "2026-06-01T23:00:00Z")).isEqualTo("2026-06-02T12:00:00Z");
        assertThat(yearOf("Jun  2 12:00:00", "2026-06-01T00:00:01Z")).isEqualTo("2025-06-02T12:00:00Z");
        // Feb 29 exists in 2028 only: an invalid date stays in the text, whatever was remembered before.
        assertThat(yearOf("Feb 29 10:00:00", "2028-03-01T00:00:00Z")).isEqualTo("2028-02-29T10:00:00Z");
        assertThat(yearOf("Feb 29 10:00:00", "2027-03-01T00:00:00Z")).isNull();
        assertThat(yearOf("Feb 29 10:00:00", "2028-03-01T00:00:00Z")).isEqualTo("2028-02-29T10:00:00Z");
    }

    @Test
    void theTagsWhitespaceTestAgreesWithTheJdkForEveryChar() {
        for (int c = Character.MIN_VALUE; c <= Character.MAX_VALUE; c++) {
            assertThat(Rfc3164Parser.whitespace((char) c)).as("U+%04X", c).isEqualTo(Character.isWhitespace((char) c));
        }
    }

    private static String yearOf(String stamp, String receivedAt) {
        SyslogMessage m = SyslogParser.parse(("<13>" + stamp + " host app: text").getBytes(StandardCharsets.US_ASCII),
                Instant.parse(receivedAt));
        return m.timestamp() == null ? null : m.timestamp().toString();
    }

    @Test
    void parsesASliceOfALargerBuffer() {
        byte[] b = "junk<13>Nov 24 04:00:00 h t: m junk".getBytes(StandardCharsets.US_ASCII);
        SyslogMessage m = SyslogParser.parse(b, 4, b.length - 9, NOW);
        assertThat(m.hostname()).isEqualTo("h");
        assertThat(m.message()).isEqualTo("m");
    }

    @Test
    void encoderOutputParsesBackToTheSameFields() {
        byte[] original = ("<165>1 2003-10-11T22:14:15.003Z host.example evntslog 42 ID47 "
                + "[a@1 k=\"x\\\"y\\]z\"] caf\u00e9").getBytes(StandardCharsets.UTF_8);
        SyslogMessage m = SyslogParser.parse(original, NOW);
        Rfc5424Message back = (Rfc5424Message) SyslogParser.parse(Rfc5424Encoder.encode(m, NOW, "192.0.2.1"), NOW);
        assertThat(back).isEqualTo(((Rfc5424Message) m).withBom(true));
    }

    @Test
    void encoderFillsWhatA3164OrRawMessageLacks() {
        SyslogMessage raw = SyslogParser.parse("netconsole text".getBytes(StandardCharsets.US_ASCII), NOW);
        String encoded = new String(Rfc5424Encoder.encode(raw, NOW, "192.0.2.7"), StandardCharsets.UTF_8);
        assertThat(encoded).isEqualTo("<13>1 2026-11-24T05:00:00.000000Z 192.0.2.7 - - - - netconsole text");
        SyslogMessage cisco = SyslogParser.parse(
                "<189>12: *Mar  1 00:00:12.123: %SYS-5-CONFIG_I: Configured".getBytes(StandardCharsets.US_ASCII), NOW);
        assertThat(new String(Rfc5424Encoder.encode(cisco, NOW, "192.0.2.7"), StandardCharsets.UTF_8))
                .isEqualTo("<189>1 2026-03-01T00:00:12.123000Z 192.0.2.7 %SYS-5-CONFIG_I - - - Configured");
    }
}
