package org.sparetire.tftp.codec;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.sparetire.tftp.codec.MalformedPacketException.Reason;

/**
 * Bytes to packets and back. No I/O. Strings are carried as ISO-8859-1 so every byte round-trips
 * unchanged; the path policy decides what a name's bytes mean.
 */
public final class TftpCodec {
    /** Options whose value RFC 2348/2349/7440 define as a decimal number. */
    private static final Set<String> NUMERIC_OPTIONS = Set.of("blksize", "timeout", "tsize", "windowsize");

    private TftpCodec() {
    }

    /** Decodes the bytes between position and limit; the buffer's position is not moved. */
    public static TftpPacket decode(ByteBuffer buf) throws MalformedPacketException {
        int start = buf.position();
        int end = buf.limit();
        // pin/tftp's parsePacket: refuse short packets per opcode before reading any field.
        if (end - start < 2) {
            throw new MalformedPacketException(Reason.TRUNCATED, end - start);
        }
        int opcode = buf.getShort(start) & 0xFFFF;
        int p = start + 2;
        switch (opcode) {
            case TftpPacket.OP_RRQ, TftpPacket.OP_WRQ -> {
                return decodeRequest(buf, opcode, start, p, end);
            }
            case TftpPacket.OP_DATA -> {
                if (end - p < 2) {
                    throw new MalformedPacketException(Reason.TRUNCATED, end - start);
                }
                int block = buf.getShort(p) & 0xFFFF;
                int length = end - p - 2;
                if (length > Data.MAX_PAYLOAD) {
                    throw new MalformedPacketException(Reason.OVERSIZE, p + 2 + Data.MAX_PAYLOAD - start);
                }
                ByteBuffer payload = buf.duplicate();
                payload.position(p + 2).limit(end);
                return new Data(block, payload.slice());
            }
            case TftpPacket.OP_ACK -> {
                if (end - p < 2) {
                    throw new MalformedPacketException(Reason.TRUNCATED, end - start);
                }
                // Trailing bytes after the block number are ignored: some boot ROMs pad short frames.
                return new Ack(buf.getShort(p) & 0xFFFF);
            }
            case TftpPacket.OP_ERROR -> {
                if (end - p < 2) {
                    throw new MalformedPacketException(Reason.TRUNCATED, end - start);
                }
                int code = buf.getShort(p) & 0xFFFF;
                p += 2;
                int nul = indexOfNul(buf, p, end);
                // A missing terminator on an ERROR is tolerated: the peer is giving up either way, and
                // dropping its ERROR would only make us wait for the timeout.
                String message = string(buf, p, nul < 0 ? end : nul);
                return new ErrorPacket(code, message);
            }
            case TftpPacket.OP_OACK -> {
                return new OptionAck(decodeOptions(buf, start, p, end));
            }
            default -> throw new MalformedPacketException(Reason.UNKNOWN_OPCODE, 0);
        }
    }

    private static Request decodeRequest(ByteBuffer buf, int opcode, int start, int p, int end)
            throws MalformedPacketException {
        int nul = indexOfNul(buf, p, end);
        if (nul < 0) {
            throw new MalformedPacketException(Reason.MISSING_NUL, end - start);
        }
        if (nul == p) {
            throw new MalformedPacketException(Reason.EMPTY_FILENAME, p - start);
        }
        String filename = string(buf, p, nul);
        p = nul + 1;
        nul = indexOfNul(buf, p, end);
        if (nul < 0) {
            throw new MalformedPacketException(Reason.MISSING_NUL, end - start);
        }
        String modeText = string(buf, p, nul);
        Mode mode = Mode.parse(modeText).orElse(null);
        if (mode == null) {
            throw new MalformedPacketException(Reason.UNKNOWN_MODE, p - start);
        }
        Map<String, String> options = decodeOptions(buf, start, nul + 1, end);
        return opcode == TftpPacket.OP_RRQ ? new ReadRequest(filename, mode, options)
                : new WriteRequest(filename, mode, options);
    }

    private static Map<String, String> decodeOptions(ByteBuffer buf, int start, int p, int end)
            throws MalformedPacketException {
        Map<String, String> options = new LinkedHashMap<>();
        while (p < end) {
            int nameEnd = indexOfNul(buf, p, end);
            if (nameEnd == p) {
                // Zero padding after the last option (some PXE ROMs pad requests): fine if nothing follows.
                for (int i = p; i < end; i++) {
                    if (buf.get(i) != 0) {
                        throw new MalformedPacketException(Reason.EMPTY_OPTION_NAME, p - start);
                    }
                }
                break;
            }
            if (nameEnd < 0) {
                throw new MalformedPacketException(Reason.MISSING_NUL, end - start);
            }
            String name = string(buf, p, nameEnd).toLowerCase(Locale.ROOT);
            int valueStart = nameEnd + 1;
            if (valueStart >= end) {
                throw new MalformedPacketException(Reason.OPTION_WITHOUT_VALUE, p - start);
            }
            int valueEnd = indexOfNul(buf, valueStart, end);
            if (valueEnd < 0) {
                throw new MalformedPacketException(Reason.MISSING_NUL, end - start);
            }
            String value = string(buf, valueStart, valueEnd);
            if (options.containsKey(name)) {
                throw new MalformedPacketException(Reason.DUPLICATE_OPTION, p - start);
            }
            if (NUMERIC_OPTIONS.contains(name) && !isDecimal(value)) {
                throw new MalformedPacketException(Reason.BAD_OPTION_VALUE, valueStart - start);
            }
            options.put(name, value);
            p = valueEnd + 1;
        }
        return options;
    }

    private static boolean isDecimal(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static int indexOfNul(ByteBuffer buf, int from, int end) {
        for (int i = from; i < end; i++) {
            if (buf.get(i) == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String string(ByteBuffer buf, int from, int to) {
        byte[] b = new byte[to - from];
        buf.get(from, b);
        return new String(b, ISO_8859_1);
    }

    /** Exact size of the encoded packet. */
    public static int encodedLength(TftpPacket packet) {
        if (packet instanceof Request r) {
            return 2 + r.filename().length() + 1 + r.mode().wireName().length() + 1 + optionsLength(r.options());
        }
        if (packet instanceof Data d) {
            return Data.HEADER + d.length();
        }
        if (packet instanceof Ack) {
            return 4;
        }
        if (packet instanceof ErrorPacket e) {
            return 4 + e.message().length() + 1;
        }
        return 2 + optionsLength(((OptionAck) packet).options());
    }

    private static int optionsLength(Map<String, String> options) {
        int n = 0;
        for (Map.Entry<String, String> e : options.entrySet()) {
            n += e.getKey().length() + 1 + e.getValue().length() + 1;
        }
        return n;
    }

    /** Writes the packet at the buffer's position and advances it. */
    public static void encode(TftpPacket packet, ByteBuffer out) {
        out.putShort((short) packet.opcode());
        if (packet instanceof Request r) {
            putString(out, r.filename());
            putString(out, r.mode().wireName());
            putOptions(out, r.options());
        } else if (packet instanceof Data d) {
            out.putShort((short) d.block());
            out.put(d.payload().duplicate());
        } else if (packet instanceof Ack a) {
            out.putShort((short) a.block());
        } else if (packet instanceof ErrorPacket e) {
            out.putShort((short) e.code());
            putString(out, e.message());
        } else if (packet instanceof OptionAck o) {
            putOptions(out, o.options());
        }
    }

    /** A fresh buffer holding exactly the packet, flipped for reading. */
    public static ByteBuffer encode(TftpPacket packet) {
        ByteBuffer out = ByteBuffer.allocate(encodedLength(packet));
        encode(packet, out);
        return out.flip();
    }

    public static byte[] toBytes(TftpPacket packet) {
        return encode(packet).array();
    }

    private static void putOptions(ByteBuffer out, Map<String, String> options) {
        for (Map.Entry<String, String> e : options.entrySet()) {
            putString(out, e.getKey());
            putString(out, e.getValue());
        }
    }

    private static void putString(ByteBuffer out, String s) {
        out.put(s.getBytes(ISO_8859_1));
        out.put((byte) 0);
    }
}
