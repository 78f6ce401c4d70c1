package org.sparetire.dhcp.codec;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A typed option value as configured (RFC 2132 section 2 data formats). Every value knows its wire bytes,
 * so "option 150 as an IP list" is encoded once, here, instead of as hand-written hex in a config file.
 */
public sealed interface OptionValue
        permits OptionValue.IpList, OptionValue.Text, OptionValue.Hex, OptionValue.U8, OptionValue.U16,
                OptionValue.U32, OptionValue.SubOptions {

    /** The option's payload, without code and length. */
    Octets encode();

    /** The value as people write it in the config, for logs and {@code explain}. */
    String render();

    /** One or more IPv4 addresses, 4 bytes each (routers, DNS, option 150). */
    record IpList(List<InetAddress> addresses) implements OptionValue {
        public IpList {
            addresses = List.copyOf(addresses);
            for (InetAddress a : addresses) {
                if (!(a instanceof Inet4Address)) {
                    throw new IllegalArgumentException("not an IPv4 address: " + a.getHostAddress());
                }
            }
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("an address list needs at least one address");
            }
        }

        @Override
        public Octets encode() {
            byte[] out = new byte[addresses.size() * 4];
            for (int i = 0; i < addresses.size(); i++) {
                System.arraycopy(addresses.get(i).getAddress(), 0, out, i * 4, 4);
            }
            return Octets.of(out);
        }

        @Override
        public String render() {
            return addresses.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(","));
        }
    }

    /** NVT ASCII text, not NUL-terminated (RFC 2132 section 2). */
    record Text(String value) implements OptionValue {
        public Text {
            if (!StandardCharsets.ISO_8859_1.newEncoder().canEncode(value)) {
                throw new IllegalArgumentException("text must be ASCII/Latin-1: '" + value + "'");
            }
        }

        @Override
        public Octets encode() {
            return Octets.of(value.getBytes(StandardCharsets.ISO_8859_1));
        }

        @Override
        public String render() {
            return "\"" + value + "\"";
        }
    }

    record Hex(Octets bytes) implements OptionValue {
        @Override
        public Octets encode() {
            return bytes;
        }

        @Override
        public String render() {
            return bytes.colonHex();
        }
    }

    record U8(int value) implements OptionValue {
        public U8 {
            if (value < 0 || value > 0xff) {
                throw new IllegalArgumentException("u8 must be 0..255, got " + value);
            }
        }

        @Override
        public Octets encode() {
            return Octets.of((byte) value);
        }

        @Override
        public String render() {
            return Integer.toString(value);
        }
    }

    record U16(int value) implements OptionValue {
        public U16 {
            if (value < 0 || value > 0xffff) {
                throw new IllegalArgumentException("u16 must be 0..65535, got " + value);
            }
        }

        @Override
        public Octets encode() {
            return Octets.of((byte) (value >> 8), (byte) value);
        }

        @Override
        public String render() {
            return Integer.toString(value);
        }
    }

    record U32(long value) implements OptionValue {
        public U32 {
            if (value < 0 || value > 0xffffffffL) {
                throw new IllegalArgumentException("u32 must be 0..4294967295, got " + value);
            }
        }

        @Override
        public Octets encode() {
            return Octets.of((byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value);
        }

        @Override
        public String render() {
            return Long.toString(value);
        }
    }

    /**
     * Encapsulated vendor options (option 43, RFC 2132 section 8.4): code/length/value triplets. Each
     * sub-option value is itself typed, so a Yealink or PXE sub-option is written as text or an address.
     */
    record SubOptions(List<SubOption> items) implements OptionValue {
        public SubOptions {
            items = List.copyOf(items);
        }

        @Override
        public Octets encode() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (SubOption s : items) {
                byte[] v = s.value().encode().toByteArray();
                if (v.length > 255) {
                    throw new IllegalArgumentException("sub-option " + s.code() + " is longer than 255 bytes");
                }
                out.write(s.code());
                out.write(v.length);
                out.writeBytes(v);
            }
            return Octets.of(out.toByteArray());
        }

        @Override
        public String render() {
            return items.stream().map(s -> s.code() + "=" + s.value().render()).collect(Collectors.joining(" ", "{", "}"));
        }
    }

    record SubOption(int code, OptionValue value) {
        public SubOption {
            if (code < 1 || code > 254) {
                throw new IllegalArgumentException("sub-option code must be 1..254, got " + code);
            }
        }
    }
}
