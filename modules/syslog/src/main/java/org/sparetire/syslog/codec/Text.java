package org.sparetire.syslog.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Bytes to text that can be written one message per line and never loses what the device sent.
 * Valid UTF-8 is decoded; every byte that is not part of a valid sequence becomes {@code \xNN}; control
 * characters other than TAB become rsyslog's {@code #ooo} octal escape (its default
 * {@code $EscapeControlCharactersOnReceive}), so an embedded LF cannot forge a second line in the files.
 */
public final class Text {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Text() {
    }

    public static String decode(byte[] b) {
        return decode(b, 0, b.length);
    }

    public static String decode(byte[] b, int off, int len) {
        int end = off + len;
        int i = printableAsciiEnd(b, off, end);
        if (i == end) {
            // The overwhelming majority of syslog traffic. Every byte was checked: Latin-1 only copies.
            return new String(b, off, len, StandardCharsets.ISO_8859_1);
        }
        StringBuilder sb = new StringBuilder(len + 16);
        for (int k = off; k < i; k++) {
            sb.append((char) b[k]);
        }
        while (i < end) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    sb.append('#').append((char) ('0' + (c >> 6))).append((char) ('0' + ((c >> 3) & 7)))
                            .append((char) ('0' + (c & 7)));
                } else {
                    sb.append((char) c);
                }
                i++;
                continue;
            }
            int n = sequenceLength(b, i, end);
            if (n == 0) {
                sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                i++;
                continue;
            }
            int cp;
            if (n == 2) {
                cp = (c & 0x1f) << 6 | (b[i + 1] & 0x3f);
            } else if (n == 3) {
                cp = (c & 0x0f) << 12 | (b[i + 1] & 0x3f) << 6 | (b[i + 2] & 0x3f);
            } else {
                cp = (c & 0x07) << 18 | (b[i + 1] & 0x3f) << 12 | (b[i + 2] & 0x3f) << 6 | (b[i + 3] & 0x3f);
            }
            sb.appendCodePoint(cp);
            i += n;
        }
        return sb.toString();
    }

    /**
     * Where the run of printable ASCII (0x20-0x7E) starting at {@code from} ends. Eight bytes per step: one
     * word-wide test for a byte with the top bit set, one below 0x20 and one equal to 0x7F (the "has less" and
     * "has zero" tricks from Sean Anderson's Bit Twiddling Hacks), so a typical message costs a few dozen
     * instructions rather than a compare and branch per byte.
     */
    static int printableAsciiEnd(byte[] b, int from, int end) {
        int i = from;
        while (i + Long.BYTES <= end) {
            long x = (long) LONG.get(b, i);
            long y = x ^ 0x7f7f7f7f7f7f7f7fL;
            long outside = x | ((x - 0x2020202020202020L) & ~x) | ((y - 0x0101010101010101L) & ~y);
            if ((outside & 0x8080808080808080L) != 0) {
                break;
            }
            i += Long.BYTES;
        }
        while (i < end && b[i] >= 0x20 && b[i] < 0x7f) {
            i++;
        }
        return i;
    }

    /** Length of the well-formed UTF-8 sequence at i (RFC 3629 section 4, no overlongs or surrogates), or 0. */
    static int sequenceLength(byte[] b, int i, int end) {
        int c = b[i] & 0xff;
        int n;
        int lo = 0x80;
        int hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            n = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 3;
            if (c == 0xe0) {
                lo = 0xa0;
            } else if (c == 0xed) {
                hi = 0x9f;
            }
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 4;
            if (c == 0xf0) {
                lo = 0x90;
            } else if (c == 0xf4) {
                hi = 0x8f;
            }
        } else {
            return 0;
        }
        if (i + n > end) {
            return 0;
        }
        int second = b[i + 1] & 0xff;
        if (second < lo || second > hi) {
            return 0;
        }
        for (int k = 2; k < n; k++) {
            int cont = b[i + k] & 0xff;
            if (cont < 0x80 || cont > 0xbf) {
                return 0;
            }
        }
        return n;
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
