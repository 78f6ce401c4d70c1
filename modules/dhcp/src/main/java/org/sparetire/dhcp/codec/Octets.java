package org.sparetire.dhcp.codec;

import java.util.Arrays;
import java.util.HexFormat;

/** An immutable byte string with value equality, so records holding raw option bytes compare by content. */
public final class Octets {
    public static final Octets EMPTY = new Octets(new byte[0]);
    private static final HexFormat HEX = HexFormat.of();
    private static final HexFormat COLON_HEX = HexFormat.ofDelimiter(":");

    private final byte[] bytes;

    private Octets(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Octets of(byte... bytes) {
        return new Octets(bytes.clone());
    }

    public static Octets of(byte[] bytes, int offset, int length) {
        return new Octets(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    /** Hex digits, optionally separated by ':' or '-' or spaces ({@code 01:02:0a}). */
    public static Octets parseHex(String text) {
        String digits = text.replaceAll("[\\s:\\-]", "");
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("odd number of hex digits in '" + text + "'");
        }
        try {
            return new Octets(HEX.parseHex(digits));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not hex: '" + text + "'");
        }
    }

    public int length() {
        return bytes.length;
    }

    public int get(int i) {
        return bytes[i] & 0xff;
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    public boolean startsWith(Octets prefix) {
        return prefix.bytes.length <= bytes.length
                && Arrays.equals(bytes, 0, prefix.bytes.length, prefix.bytes, 0, prefix.bytes.length);
    }

    /** Lower-case hex without separators. */
    public String hex() {
        return HEX.formatHex(bytes);
    }

    /** Lower-case hex with ':' between bytes, the way MAC addresses are written. */
    public String colonHex() {
        return COLON_HEX.formatHex(bytes);
    }

    /** The bytes as ISO-8859-1 text with trailing NULs removed (some clients NUL-terminate strings). */
    public String text() {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return new String(bytes, 0, end, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, bytes.length);
    }

    void copyTo(int from, int length, byte[] dst, int offset) {
        System.arraycopy(bytes, from, dst, offset, length);
    }

    /** These bytes followed by {@code length} bytes of {@code more}. */
    Octets append(byte[] more, int offset, int length) {
        byte[] joined = Arrays.copyOf(bytes, bytes.length + length);
        System.arraycopy(more, offset, joined, bytes.length, length);
        return new Octets(joined);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Octets other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return colonHex();
    }
}
