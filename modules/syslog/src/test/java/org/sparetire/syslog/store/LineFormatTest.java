package org.sparetire.syslog.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sparetire.syslog.codec.SyslogParser;

class LineFormatTest {
    final LineFormat format = new LineFormat();
    final Instant at = Instant.parse("2026-11-24T05:00:07.042Z");

    Received received(String sender, byte[] datagram, boolean truncated) {
        return new Received(at, new InetSocketAddress(sender, 514), "udp", SyslogParser.parse(datagram, at), datagram,
                truncated);
    }

    String encoded(Received r, String marker) {
        int n = format.encode(r, marker);
        return new String(Arrays.copyOf(format.bytes(), n), StandardCharsets.UTF_8);
    }

    @Test
    void asciiLineHasEveryFieldInOrder() {
        Received r = received("192.0.2.10", "<189>Nov 24 05:00:00 sw-core-1 sshd[42]: Accepted publickey".getBytes(
                StandardCharsets.US_ASCII), false);
        assertThat(encoded(r, " [cut]")).isEqualTo(
                "2026-11-24T05:00:07.042Z 192.0.2.10 local7.notice sw-core-1 sshd[42] Accepted publickey\n");
    }

    @Test
    void nonAsciiTextIsUtf8AndInvalidBytesStayEscaped() {
        byte[] datagram = "<14>phone: Grüße aus Köln \u2603 ".getBytes(StandardCharsets.UTF_8);
        byte[] withBadByte = Arrays.copyOf(datagram, datagram.length + 1);
        withBadByte[datagram.length] = (byte) 0xff;
        Received r = received("2001:db8::7", withBadByte, true);
        String line = encoded(r, " [cut]");
        assertThat(line).isEqualTo("2026-11-24T05:00:07.042Z 2001:db8::7 user.info - phone Grüße aus Köln \u2603 \\xFF [cut]\n");
        // the same bytes the String path gives
        assertThat(format.format(r, " [cut]")).isEqualTo(line);
    }

    @Test
    void structuredDataIsEscapedAndKeptBeforeTheText() {
        byte[] datagram = "<165>1 2026-11-24T05:00:00Z host app 42 ID7 [ex@32473 k=\"a\\\"b\\]c\"] body"
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(encoded(received("192.0.2.1", datagram, false), "")).isEqualTo(
                "2026-11-24T05:00:07.042Z 192.0.2.1 local4.notice host app[42] [ex@32473 k=\"a\\\"b\\]c\"] body\n");
    }

    @Test
    void longLinesGrowTheBufferAndShortOnesReuseIt() {
        String big = "x".repeat(5000) + "é";
        Received longOne = received("192.0.2.1", ("<13>" + big).getBytes(StandardCharsets.UTF_8), false);
        assertThat(encoded(longOne, "")).endsWith(" " + big + "\n");
        Received shortOne = received("192.0.2.1", "<13>hi".getBytes(StandardCharsets.US_ASCII), false);
        assertThat(encoded(shortOne, "")).isEqualTo("2026-11-24T05:00:07.042Z 192.0.2.1 user.notice - - hi\n");
    }
}
