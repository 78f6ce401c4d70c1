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

    @org.junit.jupiter.api.Test
    void thePrintableRunEndsAtTheFirstOtherByteWhereverItSits() {
        // Word-wide scanning must agree with a byte loop for every byte value, at every position and alignment.
        java.util.Random random = new java.util.Random(5426);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[1 + random.nextInt(40)];
            for (int k = 0; k < b.length; k++) {
                b[k] = (byte) (0x20 + random.nextInt(0x5f)); // printable
            }
            if (random.nextInt(4) > 0) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256); // often printable too
            }
            int from = random.nextInt(b.length);
            int end = from + random.nextInt(b.length - from + 1);
            int expected = from;
            while (expected < end && b[expected] >= 0x20 && b[expected] < 0x7f) {
                expected++;
            }
            assertThat(Text.printableAsciiEnd(b, from, end)).as("round %d", round).isEqualTo(expected);
        }
        for (int v = 0; v < 256; v++) {
            byte[] b = "0123456789abcdefXYZ".getBytes(StandardCharsets.US_ASCII);
            b[11] = (byte) v;
            boolean printable = v >= 0x20 && v < 0x7f;
            assertThat(Text.printableAsciiEnd(b, 0, b.length)).as("byte %02x", v).isEqualTo(printable ? b.length : 11);
        }
    }
}
