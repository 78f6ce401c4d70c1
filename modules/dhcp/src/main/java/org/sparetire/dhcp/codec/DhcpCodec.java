package org.sparetire.dhcp.codec;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dhcp4java.DHCPBadPacketException;
import org.dhcp4java.DHCPPacket;

/**
 * Bytes to {@link DhcpMessage} and back. Decoding checks the layout first so each rejection names the
 * byte at fault, then lets dhcp4java read the fixed fields. Options are walked here because dhcp4java
 * keeps only the last copy of a repeated option (RFC 3396 asks to concatenate them) and ignores option
 * 52 overload. Encoding is done here too, because dhcp4java cannot overload sname/file.
 */
public final class DhcpCodec {
    /** RFC 2131 section 3: 99.130.83.99. */
    static final int MAGIC_COOKIE = 0x63825363;
    static final int HEADER_LENGTH = 236;
    static final int OPTIONS_OFFSET = 240;
    static final int SNAME_OFFSET = 44;
    static final int FILE_OFFSET = 108;
    /** RFC 2131 section 2: every client accepts 576-byte IP datagrams, i.e. 548 bytes of DHCP. */
    public static final int MIN_MAX_MESSAGE = 576 - 28;
    /** RFC 1542 section 2.1: some relays and old clients drop BOOTP messages shorter than 300 bytes. */
    static final int BOOTP_MIN_LENGTH = 300;

    private DhcpCodec() {
    }

    public static DhcpMessage decode(byte[] buf) throws MalformedPacketException {
        return decode(buf, 0, buf.length);
    }

    public static DhcpMessage decode(byte[] buf, int off, int len) throws MalformedPacketException {
        if (len < HEADER_LENGTH) {
            throw new MalformedPacketException("truncated header", len);
        }
        int op = buf[off] & 0xff;
        if (op != DhcpMessage.BOOTREQUEST && op != DhcpMessage.BOOTREPLY) {
            throw new MalformedPacketException("bad op", 0);
        }
        int hlen = buf[off + 2] & 0xff;
        if (hlen > 16) {
            throw new MalformedPacketException("bad hlen", 2);
        }
        if (len < OPTIONS_OFFSET) {
            throw new MalformedPacketException("missing magic cookie", HEADER_LENGTH);
        }
        int cookie = readInt(buf, off + HEADER_LENGTH);
        if (cookie != MAGIC_COOKIE) {
            throw new MalformedPacketException("bad magic cookie", HEADER_LENGTH);
        }
        Map<Integer, Octets> options = new LinkedHashMap<>();
        walkOptions(buf, off, OPTIONS_OFFSET, len, options);
        int overload = 0;
        Octets ov = options.remove(OptionCatalog.OVERLOAD);
        if (ov != null) {
            if (ov.length() != 1 || ov.get(0) < 1 || ov.get(0) > 3) {
                throw new MalformedPacketException("bad overload option", OPTIONS_OFFSET);
            }
            overload = ov.get(0);
            // RFC 2131 section 4.1: options in 'file' come before those in 'sname'.
            if ((overload & 1) != 0) {
                walkOptions(buf, off, FILE_OFFSET, FILE_OFFSET + 128, options);
            }
            if ((overload & 2) != 0) {
                walkOptions(buf, off, SNAME_OFFSET, SNAME_OFFSET + 64, options);
            }
            options.remove(OptionCatalog.OVERLOAD); // an option 52 inside file or sname means nothing
        }
        Octets type = options.get(OptionCatalog.MESSAGE_TYPE);
        if (type != null && type.length() != 1) {
            throw new MalformedPacketException("bad message type length", OPTIONS_OFFSET);
        }

        DHCPPacket p;
        try {
            p = DHCPPacket.getPacket(buf, off, len, false);
        } catch (DHCPBadPacketException e) {
            throw new MalformedPacketException("rejected by dhcp4java: " + e.getMessage(), 0);
        } catch (RuntimeException e) {
            throw new MalformedPacketException("unreadable: " + e, 0);
        }
        return new DhcpMessage(op, p.getHtype() & 0xff, p.getHops() & 0xff, p.getXid(), p.getSecs() & 0xffff,
                p.getFlags() & 0xffff, p.getCiaddr(), p.getYiaddr(), p.getSiaddr(), p.getGiaddr(),
                Octets.of(buf, off + 28, hlen),
                (overload & 2) != 0 ? "" : cString(buf, off + SNAME_OFFSET, 64),
                (overload & 1) != 0 ? "" : cString(buf, off + FILE_OFFSET, 128),
                options);
    }

    private static void walkOptions(byte[] buf, int base, int from, int to, Map<Integer, Octets> out)
            throws MalformedPacketException {
        int i = from;
        while (i < to) {
            int code = buf[base + i] & 0xff;
            if (code == OptionCatalog.PAD) {
                i++;
                continue;
            }
            if (code == OptionCatalog.END) {
                return;
            }
            if (i + 1 >= to) {
                throw new MalformedPacketException("truncated option", i);
            }
            int len = buf[base + i + 1] & 0xff;
            if (i + 2 + len > to) {
                throw new MalformedPacketException("option overruns packet", i);
            }
            // RFC 3396 section 5: split options are concatenated in order.
            Octets before = out.get(code);
            out.put(code, before == null ? Octets.of(buf, base + i + 2, len) : before.append(buf, base + i + 2, len));
            i += 2 + len;
        }
        // A missing END option is tolerated: several PXE ROMs omit it and the data is still complete.
    }

    private static int readInt(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    private static String cString(byte[] b, int off, int max) {
        int end = off;
        while (end < off + max && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.ISO_8859_1);
    }

    /**
     * The encoded message and what had to give: {@code overload} is the option 52 value used (0 when
     * everything fit), {@code dropped} the option codes that fit nowhere.
     */
    public record Encoded(byte[] bytes, int overload, List<Integer> dropped) {
        public Encoded {
            dropped = List.copyOf(dropped);
        }
    }

    public static byte[] encode(DhcpMessage m) {
        return encode(m, 1500 - 28).bytes();
    }

    /**
     * Encodes with options in map order. When they do not fit in {@code maxLength} bytes (the client's
     * option 57 less IP and UDP headers, or 548), the rest go into {@code file} then {@code sname}, and
     * only when those fields are empty (RFC 2131 section 4.1, RFC 2132 section 9.3).
     */
    public static Encoded encode(DhcpMessage m, int maxLength) {
        int max = Math.max(MIN_MAX_MESSAGE, maxLength);
        int mainCapacity = max - OPTIONS_OFFSET - 1;
        int total = 0;
        for (Octets v : m.options().values()) {
            total += tlvLength(v.length());
        }
        if (total <= mainCapacity) {
            // The usual case, done without intermediate buffers: every reply passes through here.
            byte[] out = new byte[Math.max(BOOTP_MIN_LENGTH, OPTIONS_OFFSET + total + 1)];
            writeHeader(m, out, 0);
            int i = OPTIONS_OFFSET;
            for (Map.Entry<Integer, Octets> e : m.options().entrySet()) {
                i = writeTlv(out, i, e.getKey(), e.getValue());
            }
            out[i] = (byte) OptionCatalog.END;
            return new Encoded(out, 0, List.of());
        }
        return encodeOverloaded(m, mainCapacity);
    }

    /**
     * When the options do not all fit in the main area, the ones that do not fit go into {@code file}, then
     * {@code sname} (only when those fields are empty), and what fits nowhere is dropped.
     */
    private static Encoded encodeOverloaded(DhcpMessage m, int mainCapacity) {
        List<Integer> dropped = new ArrayList<>();
        ByteArrayOutputStream main = new ByteArrayOutputStream();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        ByteArrayOutputStream sname = new ByteArrayOutputStream();
        int overload = 0;
        int mainLeft = mainCapacity - 3; // room for option 52 itself
        int fileLeft = m.file().isEmpty() ? 128 - 1 : 0;
        int snameLeft = m.sname().isEmpty() ? 64 - 1 : 0;
        for (Map.Entry<Integer, Octets> e : m.options().entrySet()) {
            byte[] t = tlv(e.getKey(), e.getValue());
            if (t.length <= mainLeft) {
                main.writeBytes(t);
                mainLeft -= t.length;
            } else if (t.length <= fileLeft) {
                file.writeBytes(t);
                fileLeft -= t.length;
                overload |= 1;
            } else if (t.length <= snameLeft) {
                sname.writeBytes(t);
                snameLeft -= t.length;
                overload |= 2;
            } else {
                dropped.add(e.getKey());
            }
        }
        int length = Math.max(BOOTP_MIN_LENGTH, OPTIONS_OFFSET + main.size() + (overload != 0 ? 3 : 0) + 1);
        byte[] out = new byte[length];
        writeHeader(m, out, overload);
        if ((overload & 2) != 0) {
            System.arraycopy(sname.toByteArray(), 0, out, SNAME_OFFSET, sname.size());
            out[SNAME_OFFSET + sname.size()] = (byte) OptionCatalog.END;
        }
        if ((overload & 1) != 0) {
            System.arraycopy(file.toByteArray(), 0, out, FILE_OFFSET, file.size());
            out[FILE_OFFSET + file.size()] = (byte) OptionCatalog.END;
        }
        int i = OPTIONS_OFFSET;
        byte[] mainBytes = main.toByteArray();
        if (overload != 0) {
            // Option 52 goes first in the main area so a client sees it before it looks for the rest.
            out[i++] = (byte) OptionCatalog.OVERLOAD;
            out[i++] = 1;
            out[i++] = (byte) overload;
        }
        System.arraycopy(mainBytes, 0, out, i, mainBytes.length);
        i += mainBytes.length;
        out[i] = (byte) OptionCatalog.END;
        return new Encoded(out, overload, dropped);
    }

    /** The fixed fields and the magic cookie; {@code sname} and {@code file} unless they carry options. */
    private static void writeHeader(DhcpMessage m, byte[] out, int overload) {
        out[0] = (byte) m.op();
        out[1] = (byte) m.htype();
        out[2] = (byte) m.chaddr().length();
        out[3] = (byte) m.hops();
        putInt(out, 4, m.xid());
        out[8] = (byte) (m.secs() >> 8);
        out[9] = (byte) m.secs();
        out[10] = (byte) (m.flags() >> 8);
        out[11] = (byte) m.flags();
        putAddress(out, 12, m.ciaddr());
        putAddress(out, 16, m.yiaddr());
        putAddress(out, 20, m.siaddr());
        putAddress(out, 24, m.giaddr());
        m.chaddr().copyTo(out, 28);
        if ((overload & 2) == 0) {
            putString(out, SNAME_OFFSET, 64, m.sname());
        }
        if ((overload & 1) == 0) {
            putString(out, FILE_OFFSET, 128, m.file());
        }
        putInt(out, HEADER_LENGTH, MAGIC_COOKIE);
    }

    /** Bytes an option takes on the wire: a code and length byte per 255-byte piece (RFC 3396). */
    static int tlvLength(int valueLength) {
        int pieces = Math.max(1, (valueLength + 254) / 255);
        return valueLength + 2 * pieces;
    }

    private static int writeTlv(byte[] out, int at, int code, Octets value) {
        int pos = 0;
        do {
            int n = Math.min(255, value.length() - pos);
            out[at++] = (byte) code;
            out[at++] = (byte) n;
            value.copyTo(pos, n, out, at);
            at += n;
            pos += n;
        } while (pos < value.length());
        return at;
    }

    /** One option as code/length/value, split into 255-byte pieces when longer (RFC 3396). */
    static byte[] tlv(int code, Octets value) {
        byte[] out = new byte[tlvLength(value.length())];
        writeTlv(out, 0, code, value);
        return out;
    }

    private static void putInt(byte[] b, int i, int v) {
        b[i] = (byte) (v >> 24);
        b[i + 1] = (byte) (v >> 16);
        b[i + 2] = (byte) (v >> 8);
        b[i + 3] = (byte) v;
    }

    private static void putAddress(byte[] b, int i, InetAddress a) {
        if (a != null) {
            System.arraycopy(a.getAddress(), 0, b, i, 4);
        }
    }

    private static void putString(byte[] b, int off, int max, String s) {
        byte[] v = s.getBytes(StandardCharsets.ISO_8859_1);
        if (v.length >= max) {
            throw new IllegalArgumentException("'" + s + "' does not fit in " + (max - 1) + " bytes");
        }
        System.arraycopy(v, 0, b, off, v.length);
    }
}
