package org.sparetire.tftp.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class OptionNegotiationTest {
    static final OptionNegotiation.Limits LIMITS =
            new OptionNegotiation.Limits(1468, 64, Duration.ofSeconds(1), 5, false);

    static Map<String, String> opts(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "blksize    | 1024   | 1024",
        "blksize    | 65464  | 1468",  // capped by the configured maximum (MTU 1500)
        "blksize    | 8      | 8",
        "blksize    | 7      | ",      // below RFC 2348's minimum: left out
        "windowsize | 16     | 16",
        "windowsize | 1000   | 64",    // capped: some clients break above 64
        "windowsize | 0      | ",
        "timeout    | 5      | 5",
        "timeout    | 0      | ",      // RFC 2349: 1..255
        "timeout    | 256    | ",
        "multicast  | ''     | ",      // unknown: ignored, not fatal
    })
    void eachOptionIsClampedOrLeftOut(String name, String value, String expected) {
        OptionNegotiation.Result r = OptionNegotiation.negotiate(opts(name, value), LIMITS, 100, true);
        if (expected == null) {
            assertThat(r.oack()).isEmpty();
            assertThat(r.needsOack()).isFalse();
        } else {
            assertThat(r.oack()).containsExactly(Map.entry(name, expected));
        }
    }

    @Test
    void parametersFollowTheOack() {
        OptionNegotiation.Result r = OptionNegotiation.negotiate(
                opts("tsize", "0", "blksize", "9000", "timeout", "3", "windowsize", "8"), LIMITS, 123456, true);
        assertThat(r.oack()).containsExactly(Map.entry("tsize", "123456"), Map.entry("blksize", "1468"),
                Map.entry("timeout", "3"), Map.entry("windowsize", "8"));
        assertThat(r.parameters()).isEqualTo(
                new TransferParameters(1468, 8, Duration.ofSeconds(3), true, 5, false));
    }

    @Test
    void writeTsizeIsEchoedAndReadTsizeAnswersTheSize() {
        assertThat(OptionNegotiation.negotiate(opts("tsize", "777"), LIMITS, -1, false).oack())
                .containsExactly(Map.entry("tsize", "777"));
        assertThat(OptionNegotiation.negotiate(opts("tsize", "0"), LIMITS, 42, true).oack())
                .containsExactly(Map.entry("tsize", "42"));
    }

    @Test
    void noOptionsMeansPlainRfc1350() {
        OptionNegotiation.Result r = OptionNegotiation.negotiate(Map.of(), LIMITS, 42, true);
        assertThat(r.needsOack()).isFalse();
        assertThat(r.parameters().blksize()).isEqualTo(512);
        assertThat(r.parameters().windowsize()).isEqualTo(1);
        assertThat(r.parameters().fixedTimeout()).isFalse();
    }
}
