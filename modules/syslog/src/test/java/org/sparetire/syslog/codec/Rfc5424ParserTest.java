package org.sparetire.syslog.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Rfc5424ParserTest {

    /** Each row breaks one rule of RFC 5424 section 6 and names the reason and the offset it must report. */
    @ParameterizedTest(name = "{2}: {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "13>1 - h a - - - m                                        | 0  | no PRI",
            "<1a>1 - h a - - - m                                       | 0  | invalid PRI",
            "<192>1 - h a - - - m                                      | 0  | invalid PRI",           // above 191
            "<1234>1 - h a - - - m                                     | 0  | invalid PRI",
            "<13>2 - h a - - - m                                       | 4  | VERSION is not 1",
            "<13>1 2026-11-24 05:00:00Z h a - - - m                    | 6  | invalid TIMESTAMP",      // space for T
            "<13>1 2026-11-24T05:00:00 h a - - - m                     | 6  | invalid TIMESTAMP",      // no offset
            "<13>1 2026-11-24T05:00:00.1234567Z h a - - - m            | 6  | invalid TIMESTAMP",      // 7 fraction digits
            "<13>1 2026-02-30T05:00:00Z h a - - - m                    | 6  | invalid TIMESTAMP",      // no Feb 30
            "<13>1 2026-11-24T05:00:60Z h a - - - m                    | 6  | invalid TIMESTAMP",      // no leap second
            "<13>1 -  a - - - m                                        | 8  | HOSTNAME is empty",
            "<13>1 - h aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa - - - m | 10 | APP-NAME longer than 48",
            "<13>1 - h a - 012345678901234567890123456789012 - m       | 14 | MSGID longer than 32",
            "<13>1 - h a - - x m                                       | 16 | STRUCTURED-DATA is neither '-' nor '['",
            "<13>1 - h a - - [id k=v] m                                | 22 | PARAM-VALUE not quoted",
            "<13>1 - h a - - [id k\"v\"] m                             | 21 | expected '=' after PARAM-NAME",
            "<13>1 - h a - - [id k=\"v] m                              | 24 | unescaped ']' in PARAM-VALUE",
            "<13>1 - h a - - [id k=\"v                                 | 23 | PARAM-VALUE not closed",
            "<13>1 - h a - - [id k=\"v\"                               | 25 | SD-ELEMENT not closed by ']'",
            "<13>1 - h a - - [ k=\"v\"]                                | 17 | SD-ID is empty",
            "<13>1 - h a - - -m                                        | 17 | expected SP before MSG",
            "<13>1 - h a - -                                           | 15 | expected SP after MSGID",
    })
    void rejectsWithTheSpecificReason(String input, int offset, String reason) {
        byte[] b = input.strip().getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> Rfc5424Parser.parse(b, 0, b.length))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason.strip());
                    assertThat(e.offset()).isEqualTo(offset);
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "<13>1 - h a - - -                     | ''",
            "<0>1 - - - - - - x                    | x",
            "<191>1 2026-11-24T05:00:00+14:00 h a p m - text with  two spaces | text with  two spaces",
    })
    void acceptsEdgesOfTheGrammar(String input, String message) throws MalformedPacketException {
        byte[] b = input.strip().getBytes(StandardCharsets.ISO_8859_1);
        Rfc5424Message m = Rfc5424Parser.parse(b, 0, b.length);
        assertThat(m.message()).isEqualTo(message);
    }

    @org.junit.jupiter.api.Test
    void nilValuesAreNull() throws MalformedPacketException {
        byte[] b = "<0>1 - - - - - -".getBytes(StandardCharsets.US_ASCII);
        Rfc5424Message m = Rfc5424Parser.parse(b, 0, b.length);
        assertThat(m.timestamp()).isNull();
        assertThat(m.hostname()).isNull();
        assertThat(m.app()).isNull();
        assertThat(m.procId()).isNull();
        assertThat(m.msgId()).isNull();
        assertThat(m.structuredData()).isEmpty();
        assertThat(m.facility()).isZero();
        assertThat(m.severity()).isZero();
    }

    @org.junit.jupiter.api.Test
    void offsetTimestampIsConvertedToUtc() throws MalformedPacketException {
        byte[] b = "<13>1 2026-11-24T05:00:00.5-03:30 h a - - - m".getBytes(StandardCharsets.US_ASCII);
        assertThat(Rfc5424Parser.parse(b, 0, b.length).timestamp()).isEqualTo(Instant.parse("2026-11-24T08:30:00.5Z"));
    }
}
