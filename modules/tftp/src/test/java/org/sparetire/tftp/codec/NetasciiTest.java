package org.sparetire.tftp.codec;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetasciiTest {

    private static byte[] b(String s) {
        return s.getBytes(ISO_8859_1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // local (escaped)          | wire (escaped)
        "'line1\\nline2\\n'         | 'line1\\r\\nline2\\r\\n'",
        "'bare\\rcr'                | 'bare\\r\\0cr'",
        "'\\r\\n'                   | '\\r\\0\\r\\n'",
        "'no newline'               | 'no newline'",
        "''                         | ''",
    })
    void translatesBothWays(String local, String wire) {
        byte[] l = b(unescape(local));
        byte[] w = b(unescape(wire));
        assertThat(Netascii.toWire(l)).isEqualTo(w);
        assertThat(Netascii.fromWire(w)).isEqualTo(l);
    }

    @Test
    void crSplitAcrossBlocksIsJoined() {
        Netascii.Decoder d = new Netascii.Decoder();
        byte[] out = new byte[16];
        int n = d.decode(b("ab\r"), 0, 3, out, 0);
        n += d.decode(b("\ncd\r"), 0, 4, out, n);
        n += d.decode(new byte[] {0}, 0, 1, out, n);
        n += d.finish(out, n);
        assertThat(new String(out, 0, n, ISO_8859_1)).isEqualTo("ab\ncd\r");
    }

    @Test
    void randomBytesSurviveARoundTripInAnyBlockSplit() {
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            byte[] local = new byte[random.nextInt(3000)];
            random.nextBytes(local);
            byte[] wire = Netascii.toWire(local);
            Netascii.Decoder d = new Netascii.Decoder();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int pos = 0;
            while (pos < wire.length) {
                int len = Math.min(wire.length - pos, 1 + random.nextInt(600));
                byte[] chunk = new byte[len + 1];
                out.write(chunk, 0, d.decode(wire, pos, len, chunk, 0));
                pos += len;
            }
            byte[] tail = new byte[1];
            out.write(tail, 0, d.finish(tail, 0));
            assertThat(out.toByteArray()).isEqualTo(local);
        }
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\0", "\0");
    }
}
