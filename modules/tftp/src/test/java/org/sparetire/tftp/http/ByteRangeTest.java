package org.sparetire.tftp.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteRangeTest {
    /** Size 1000 unless said; "-" for no header. Expected: WHOLE, UNSATISFIABLE, or first-last. */
    @ParameterizedTest(name = "{0} of {1}")
    @CsvSource(delimiter = '|', value = {
        "-                  | 1000 | WHOLE",
        "bytes=0-99         | 1000 | 0-99",
        "bytes=100-         | 1000 | 100-999",
        "bytes=-100         | 1000 | 900-999",
        "bytes=-5000        | 1000 | 0-999",
        "bytes=990-5000     | 1000 | 990-999",
        "bytes=999-999      | 1000 | 999-999",
        "BYTES = 5 - 9      | 1000 | 5-9",
        "bytes=1000-        | 1000 | UNSATISFIABLE",
        "bytes=1000-1001    | 1000 | UNSATISFIABLE",
        "bytes=-0           | 1000 | UNSATISFIABLE",
        "bytes=0-           | 0    | UNSATISFIABLE",
        "bytes=99999999999999999999- | 1000 | UNSATISFIABLE",
        "bytes=0-99999999999999999999 | 1000 | 0-999",
        "bytes=5-1          | 1000 | WHOLE",
        "bytes=0-1,5-9      | 1000 | WHOLE",
        "items=0-1          | 1000 | WHOLE",
        "bytes=a-b          | 1000 | WHOLE",
        "bytes=             | 1000 | WHOLE",
        "bytes=-            | 1000 | WHOLE",
        "bytes=+1-2         | 1000 | WHOLE",
        "bytes 0-1          | 1000 | WHOLE",
    })
    void readsOneRangeAndIgnoresTheRest(String header, long size, String expected) {
        ByteRange.Selection s = ByteRange.select(header.equals("-") ? null : header, size);
        String got = switch (s.kind()) {
            case WHOLE -> "WHOLE";
            case UNSATISFIABLE -> "UNSATISFIABLE";
            case PART -> s.range().first() + "-" + s.range().last();
        };
        assertThat(got).isEqualTo(expected);
        if (s.kind() == ByteRange.Kind.PART) {
            assertThat(s.range().length()).isEqualTo(s.range().last() - s.range().first() + 1);
        }
    }
}
