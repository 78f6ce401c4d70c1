package org.sparetire.syslog.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextTest {

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
            "68656c6c6f          | hello              | printable ASCII",
            "636166c3a9          | café               | valid 2-byte UTF-8",
            "e282ac              | €                  | valid 3-byte UTF-8",
            "f09f9880            | \uD83D\uDE00       | valid 4-byte UTF-8",
            "ff                  | \\xFF              | byte never valid in UTF-8",
            "c0af                | \\xC0\\xAF         | overlong encoding of '/'",
            "eda080              | \\xED\\xA0\\x80    | encoded surrogate",
            "e282                | \\xE2\\x82         | truncated sequence",
            "610a62              | a#012b             | LF cannot forge a second line",
            "6109620962          | a\tb\tb            | TAB stays",
            "007f                | #000#177           | NUL and DEL",
    })
    void decodesAndEscapes(String hex, String expected, String why) {
        byte[] b = org.sparetire.testkit.Hex.decode(hex);
        assertThat(Text.decode(b)).isEqualTo(expected.replace("\\t", "\t"));
    }

    @org.junit.jupiter.api.Test
    void decodesASlice() {
        byte[] b = "xxhelloxx".getBytes(StandardCharsets.US_ASCII);
        assertThat(Text.decode(b, 2, 5)).isEqualTo("hello");
    }
}
