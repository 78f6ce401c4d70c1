package org.sparetire.tftp.codec;

import java.io.ByteArrayOutputStream;

/**
 * RFC 1350 netascii is RFC 764 NVT ASCII: a line ends with CR LF and a bare CR travels as CR NUL.
 * This host's files use LF line ends, so sending turns LF into CR LF and CR into CR NUL, and receiving
 * undoes it. The receiving side is streaming because a CR may end one DATA block and its LF or NUL
 * start the next.
 */
public final class Netascii {
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private Netascii() {
    }

    /** Local bytes to the wire form. */
    public static byte[] toWire(byte[] local) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(local.length + local.length / 16 + 16);
        for (byte b : local) {
            if (b == LF) {
                out.write(CR);
                out.write(LF);
            } else if (b == CR) {
                out.write(CR);
                out.write(0);
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    /** Wire bytes to local form, in one piece. */
    public static byte[] fromWire(byte[] wire) {
        Decoder d = new Decoder();
        byte[] out = new byte[wire.length + 1];
        int n = d.decode(wire, 0, wire.length, out, 0);
        n += d.finish(out, n);
        return java.util.Arrays.copyOf(out, n);
    }

    /** Streaming wire-to-local translation; one per transfer. */
    public static final class Decoder {
        private boolean pendingCr;

        /**
         * Translates {@code in[off..off+len)} into {@code out} starting at {@code outOff}; {@code out} needs
         * room for {@code len + 1} bytes. Returns the number of bytes written.
         */
        public int decode(byte[] in, int off, int len, byte[] out, int outOff) {
            int o = outOff;
            for (int i = off; i < off + len; i++) {
                byte b = in[i];
                if (pendingCr) {
                    pendingCr = false;
                    if (b == LF) {
                        out[o++] = LF;
                        continue;
                    }
                    if (b == 0) {
                        out[o++] = CR;
                        continue;
                    }
                    // A CR followed by anything else is not valid netascii; keep the CR rather than lose data.
                    out[o++] = CR;
                }
                if (b == CR) {
                    pendingCr = true;
                } else {
                    out[o++] = b;
                }
            }
            return o - outOff;
        }

        /** Flushes a CR left dangling at the end of the stream. */
        public int finish(byte[] out, int outOff) {
            if (pendingCr) {
                pendingCr = false;
                out[outOff] = CR;
                return 1;
            }
            return 0;
        }
    }
}
