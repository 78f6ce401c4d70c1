package org.sparetire.syslog.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameDecoderTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(List<FrameDecoder.Frame> frames) {
        return frames.stream().map(f -> new String(f.data(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void octetCountingIsDetectedFromTheFirstByte() throws MalformedPacketException {
        FrameDecoder d = new FrameDecoder(1024);
        List<FrameDecoder.Frame> frames = d.feed(bytes("11 <13>1 - - a11 <13>hello\nx"));
        assertThat(d.mode()).isEqualTo(FrameDecoder.Mode.OCTET_COUNTING);
        // LF inside an octet-counted frame is data, not a delimiter (RFC 6587 section 3.4.1).
        assertThat(texts(frames)).containsExactly("<13>1 - - a", "<13>hello\nx");
    }

    @Test
    void lfFramingIsDetectedWhenTheFirstByteIsNotADigit() throws MalformedPacketException {
        FrameDecoder d = new FrameDecoder(1024);
        List<FrameDecoder.Frame> frames = d.feed(bytes("<13>one\n<13>two\r\n\n<13>thr"));
        assertThat(d.mode()).isEqualTo(FrameDecoder.Mode.LF);
        assertThat(texts(frames)).containsExactly("<13>one", "<13>two\r");
        assertThat(d.buffered()).isEqualTo(7);
        assertThat(texts(d.feed(bytes("ee\n")))).containsExactly("<13>three");
    }

    /** Every way of cutting the stream into reads gives the same frames. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "5 <13>a3 <1>10 0123456789",
            "<13>first line\\n<13>second\\n<13>3rd\\n",
    })
    void framesSplitAcrossReadsAtEveryOffset(String stream) throws MalformedPacketException {
        byte[] all = bytes(stream.replace("\\n", "\n"));
        List<String> whole = texts(new FrameDecoder(64).feed(all));
        assertThat(whole).hasSize(3);
        for (int cut1 = 0; cut1 <= all.length; cut1++) {
            for (int cut2 = cut1; cut2 <= all.length; cut2++) {
                FrameDecoder d = new FrameDecoder(64);
                List<FrameDecoder.Frame> frames = new ArrayList<>(d.feed(all, 0, cut1));
                frames.addAll(d.feed(all, cut1, cut2 - cut1));
                frames.addAll(d.feed(all, cut2, all.length - cut2));
                assertThat(texts(frames)).as("cuts %d/%d", cut1, cut2).isEqualTo(whole);
            }
        }
    }

    @Test
    void aCountLargerThanTheFrameIsCaughtAtTheNextBoundary() throws MalformedPacketException {
        FrameDecoder d = new FrameDecoder(1024);
        // The sender claims 20 octets but sends 11, then the next frame: the decoder swallows "12 <13>he"
        // as the rest of the first frame, and then finds "llo" where a count must be.
        List<FrameDecoder.Frame> first = d.feed(bytes("20 <13>1 - - a12 <13>he"));
        assertThat(texts(first)).containsExactly("<13>1 - - a12 <13>he");
        assertThatThrownBy(() -> d.feed(bytes("llo world")))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> {
                    assertThat(e.reason()).isEqualTo("expected octet count");
                    assertThat(e.offset()).isEqualTo(23);
                });
    }

    @Test
    void aCountAboveTheMaximumFrameThrowsBeforeBuffering() {
        FrameDecoder d = new FrameDecoder(100);
        assertThatThrownBy(() -> d.feed(bytes("99999999 <13>x")))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> {
                    assertThat(e.reason()).isEqualTo("octet count exceeds max frame 100");
                    assertThat(e.offset()).isZero();
                });
        assertThat(d.buffered()).isZero();
    }

    @Test
    void aCountWithoutSpaceIsMalformed() {
        FrameDecoder d = new FrameDecoder(100);
        assertThatThrownBy(() -> d.feed(bytes("12<13>x")))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> {
                    assertThat(e.reason()).isEqualTo("expected SP after octet count");
                    assertThat(e.offset()).isEqualTo(2);
                });
    }

    @Test
    void tooManyDigitsIsMalformed() {
        FrameDecoder d = new FrameDecoder(Integer.MAX_VALUE);
        assertThatThrownBy(() -> d.feed(bytes("1234567890 x")))
                .isInstanceOfSatisfying(MalformedPacketException.class,
                        e -> assertThat(e.reason()).isEqualTo("octet count too long"));
    }

    @Test
    void zeroLengthFramesCarryNothingAndDoNotDesynchronise() throws MalformedPacketException {
        FrameDecoder d = new FrameDecoder(100);
        assertThat(texts(d.feed(bytes("0 0 4 <1>x0 ")))).containsExactly("<1>x");
        FrameDecoder lf = new FrameDecoder(100);
        assertThat(texts(lf.feed(bytes("\n\n<1>a\n\n\n<1>b\n")))).containsExactly("<1>a", "<1>b");
    }

    @Test
    void overlongLfFrameIsTruncatedAndTheRestDiscardedUpToTheNextLf() throws MalformedPacketException {
        FrameDecoder d = new FrameDecoder(8);
        List<FrameDecoder.Frame> frames = new ArrayList<>(d.feed(bytes("<13>abcdefgh")));
        frames.addAll(d.feed(bytes("ijkl\n<13>ok\n")));
        assertThat(texts(frames)).containsExactly("<13>abcd", "<13>ok");
        assertThat(frames.get(0).truncated()).isTrue();
        assertThat(frames.get(1).truncated()).isFalse();
    }

    @Test
    void unterminatedLastFrameIsDeliveredAtEndOfStream() throws MalformedPacketException {
        FrameDecoder d = new FrameDecoder(100);
        assertThat(d.feed(bytes("<13>no newline"))).isEmpty();
        assertThat(texts(d.finish())).containsExactly("<13>no newline");
        FrameDecoder o = new FrameDecoder(100);
        assertThat(o.feed(bytes("30 <13>cut short"))).isEmpty();
        List<FrameDecoder.Frame> rest = o.finish();
        assertThat(texts(rest)).containsExactly("<13>cut short");
        assertThat(rest.get(0).truncated()).isTrue();
    }
}
