package org.sparetire.dhcp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparetire.testkit.Hex;

class DhcpCodecTest {

    static byte[] vector(String name) {
        return Hex.resource(DhcpCodecTest.class, "/vectors/" + name);
    }

    @Test
    void decodesUdhcpcDiscover() throws Exception {
        DhcpMessage m = DhcpCodec.decode(vector("discover-udhcpc.hex"));
        assertThat(m.op()).isEqualTo(DhcpMessage.BOOTREQUEST);
        assertThat(m.type()).contains(MessageType.DISCOVER);
        assertThat(m.xid()).isEqualTo(0xf669506c);
        assertThat(m.mac()).isEqualTo("4e:d8:f8:c6:3e:31");
        assertThat(m.broadcastFlag()).isFalse();
        assertThat(m.textOption(OptionCatalog.VENDOR_CLASS)).contains("PXEClient:Arch:00007:UNDI:003016");
        assertThat(m.textOption(OptionCatalog.HOSTNAME)).contains("bench1");
        assertThat(m.parameterRequestList()).containsExactly(1, 3, 6, 12, 15, 28, 42, 43, 66, 67, 150);
        assertThat(m.maxMessageSize()).contains(576);
        assertThat(m.clientKey()).isEqualTo("hw:01:4ed8f8c63e31"); // option 61 = htype + chaddr
        assertThat(m.options().keySet()).containsExactly(53, 57, 55, 12, 60, 61);
    }

    @Test
    void decodesDhclientAndDhcpcdDiscovers() throws Exception {
        DhcpMessage dhclient = DhcpCodec.decode(vector("discover-dhclient.hex"));
        assertThat(dhclient.type()).contains(MessageType.DISCOVER);
        assertThat(dhclient.option(OptionCatalog.CLIENT_ID)).isEmpty();
        assertThat(dhclient.clientKey()).isEqualTo("hw:01:" + dhclient.chaddr().hex());
        DhcpMessage dhcpcd = DhcpCodec.decode(vector("discover-dhcpcd.hex"));
        assertThat(dhcpcd.maxMessageSize()).contains(1472);
        assertThat(dhcpcd.option(80)).contains(Octets.EMPTY); // rapid commit: present, empty
        assertThat(dhcpcd.clientKey()).startsWith("id:ff");
    }

    @Test
    void reEncodingACapturedPacketGivesTheSameMessage() throws Exception {
        for (String name : List.of("discover-udhcpc.hex", "discover-dhclient.hex", "discover-dhcpcd.hex")) {
            DhcpMessage m = DhcpCodec.decode(vector(name));
            byte[] again = DhcpCodec.encode(m);
            assertThat(DhcpCodec.decode(again)).as(name).isEqualTo(m);
            // The fixed header and the option bytes are reproduced exactly.
            byte[] original = vector(name);
            assertThat(Arrays.copyOf(again, 240)).as(name).isEqualTo(Arrays.copyOf(original, 240));
        }
    }

    @Test
    void splitOptionsAreConcatenatedPerRfc3396() throws Exception {
        byte[] p = withOptions("35 01 01  0c 02 61 62  0c 02 63 64  ff");
        assertThat(DhcpCodec.decode(p).textOption(OptionCatalog.HOSTNAME)).contains("abcd");
    }

    @Test
    void longOptionsAreSplitWhenEncoded() throws Exception {
        byte[] big = new byte[300];
        Arrays.fill(big, (byte) 'x');
        DhcpMessage m = reply(Map.of(43, Octets.of(big)), "", "");
        byte[] wire = DhcpCodec.encode(m);
        assertThat(DhcpCodec.decode(wire).option(43)).contains(Octets.of(big));
        assertThat(wire[240] & 0xff).isEqualTo(43);
        assertThat(wire[241] & 0xff).isEqualTo(255);
    }

    @Test
    void overloadsFileOnlyWhenOptionsDoNotFitAndFileIsFree() throws Exception {
        Map<Integer, Octets> options = new LinkedHashMap<>();
        options.put(53, Octets.of((byte) 2));
        for (int code = 200; code < 206; code++) {
            options.put(code, Octets.of(new byte[60])); // 6 x 62 bytes: more than the 307 the main area holds
        }
        DhcpCodec.Encoded small = DhcpCodec.encode(reply(options, "", ""), 548);
        assertThat(small.overload()).isEqualTo(1);
        assertThat(small.dropped()).isEmpty();
        assertThat(small.bytes()).hasSizeLessThanOrEqualTo(548);
        assertThat(DhcpCodec.decode(small.bytes()).options()).isEqualTo(options);

        DhcpCodec.Encoded roomy = DhcpCodec.encode(reply(options, "", ""), 1472);
        assertThat(roomy.overload()).isZero();

        // With a boot file the file field is taken: sname is used, and what fits nowhere is dropped.
        DhcpCodec.Encoded withFile = DhcpCodec.encode(reply(options, "", "pxelinux.0"), 548);
        assertThat(withFile.overload()).isEqualTo(2);
        assertThat(withFile.dropped()).isNotEmpty();
        DhcpMessage back = DhcpCodec.decode(withFile.bytes());
        assertThat(back.file()).isEqualTo("pxelinux.0");
        assertThat(back.options()).containsKey(53);
    }

    @Test
    void optionsThatExactlyFillTheMainAreaAreNotOverloaded() throws Exception {
        // 548 bytes leave 307 for options before END: option 53 takes 3, then 182 and 122.
        Map<Integer, Octets> exact = new LinkedHashMap<>();
        exact.put(53, Octets.of((byte) 2));
        exact.put(200, Octets.of(new byte[180]));
        exact.put(201, Octets.of(new byte[120]));
        DhcpCodec.Encoded fits = DhcpCodec.encode(reply(exact, "", ""), 548);
        assertThat(fits.overload()).isZero();
        assertThat(fits.bytes()).hasSize(548);
        assertThat(fits.bytes()[547] & 0xff).isEqualTo(255);
        assertThat(DhcpCodec.decode(fits.bytes()).options()).isEqualTo(exact);

        // One byte more and option 201 moves to the file field.
        Map<Integer, Octets> oneMore = new LinkedHashMap<>(exact);
        oneMore.put(201, Octets.of(new byte[121]));
        DhcpCodec.Encoded overloaded = DhcpCodec.encode(reply(oneMore, "", ""), 548);
        assertThat(overloaded.overload()).isEqualTo(1);
        assertThat(overloaded.dropped()).isEmpty();
        assertThat(overloaded.bytes()[108] & 0xff).isEqualTo(201);
        assertThat(DhcpCodec.decode(overloaded.bytes()).options()).isEqualTo(oneMore);
    }

    @Test
    void emptyOptionsKeepTheirCodeAndZeroLength() throws Exception {
        Map<Integer, Octets> options = new LinkedHashMap<>();
        options.put(53, Octets.of((byte) 5));
        options.put(80, Octets.EMPTY); // rapid commit (RFC 4039) has no value
        byte[] wire = DhcpCodec.encode(reply(options, "", ""));
        assertThat(Arrays.copyOfRange(wire, 240, 246)).isEqualTo(Hex.decode("35 01 05 50 00 ff"));
        assertThat(DhcpCodec.decode(wire).options()).isEqualTo(options);
    }

    @Test
    void repliesArePaddedToTheBootpMinimum() {
        assertThat(DhcpCodec.encode(reply(Map.of(53, Octets.of((byte) 5)), "", ""))).hasSize(300);
    }

    static DhcpMessage reply(Map<Integer, Octets> options, String sname, String file) {
        return new DhcpMessage(2, 1, 0, 0x1234, 0, 0, DhcpMessage.ZERO, ip("10.0.0.5"), ip("10.0.0.1"),
                DhcpMessage.ZERO, Octets.parseHex("52:54:00:12:34:56"), sname, file, options);
    }

    static InetAddress ip(String s) {
        return org.sparetire.core.net.Addresses.parseNumeric(s);
    }

    /** A valid DISCOVER header followed by the given option bytes. */
    static byte[] withOptions(String optionHex) {
        byte[] base = vector("discover-udhcpc.hex");
        byte[] opts = Hex.decode(optionHex);
        byte[] out = Arrays.copyOf(base, 240 + opts.length);
        System.arraycopy(opts, 0, out, 240, opts.length);
        return out;
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                // reason, offset, how the valid udhcpc DISCOVER is broken
                Arguments.of("truncated header", 100, (UnaryOperator<byte[]>) b -> Arrays.copyOf(b, 100)),
                Arguments.of("bad op", 0, (UnaryOperator<byte[]>) b -> set(b, 0, 7)),
                Arguments.of("bad hlen", 2, (UnaryOperator<byte[]>) b -> set(b, 2, 17)),
                Arguments.of("missing magic cookie", 236, (UnaryOperator<byte[]>) b -> Arrays.copyOf(b, 238)),
                Arguments.of("bad magic cookie", 236, (UnaryOperator<byte[]>) b -> set(b, 236, 0x64)),
                Arguments.of("truncated option", 240, (UnaryOperator<byte[]>) b -> withOptions("35")),
                Arguments.of("option overruns packet", 243, (UnaryOperator<byte[]>) b -> withOptions("35 01 01 0c 09 61")),
                Arguments.of("bad overload option", 240, (UnaryOperator<byte[]>) b -> withOptions("35 01 01 34 01 07 ff")),
                Arguments.of("bad message type length", 240, (UnaryOperator<byte[]>) b -> withOptions("35 02 01 01 ff")),
                // overload says 'file' holds options, and the option there runs past the 128-byte field
                Arguments.of("option overruns packet", 108,
                        (UnaryOperator<byte[]>) b -> set(set(withOptions("35 01 01 34 01 01 ff"), 108, 12), 109, 200)));
    }

    @ParameterizedTest(name = "{0} @{1}")
    @MethodSource("malformed")
    void rejectsMalformedPacketsWithTheirReason(String reason, int offset, UnaryOperator<byte[]> breakIt) {
        byte[] broken = breakIt.apply(vector("discover-udhcpc.hex"));
        assertThatThrownBy(() -> DhcpCodec.decode(broken))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.offset()).isEqualTo(offset);
                });
    }

    private static byte[] set(byte[] b, int index, int value) {
        byte[] copy = b.clone();
        copy[index] = (byte) value;
        return copy;
    }
}
