package org.sparetire.tftp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparetire.testkit.Hex;
import org.sparetire.tftp.codec.MalformedPacketException.Reason;

class TftpCodecTest {

    private static Map<String, String> opts(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static Stream<Arguments> capturedRequests() {
        return Stream.of(
                Arguments.of("rrq-curl.hex", new ReadRequest("pxelinux.0", Mode.OCTET,
                        opts("tsize", "0", "blksize", "1468", "timeout", "6"))),
                Arguments.of("wrq-curl.hex", new WriteRequest("up.txt", Mode.OCTET,
                        opts("tsize", "3", "blksize", "512", "timeout", "6"))),
                Arguments.of("rrq-tftp-hpa.hex", new ReadRequest("boot/kernel.img", Mode.OCTET)),
                Arguments.of("rrq-atftp-windowsize.hex", new ReadRequest("image.bin", Mode.OCTET,
                        opts("tsize", "0", "blksize", "1468", "windowsize", "16"))),
                Arguments.of("rrq-busybox.hex", new ReadRequest("config.txt", Mode.OCTET,
                        opts("blksize", "1024", "tsize", "0"))),
                Arguments.of("wrq-tftp-hpa-netascii.hex", new WriteRequest("notes.txt", Mode.NETASCII)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("capturedRequests")
    void capturedRequestsDecodeAndReencodeByteForByte(String vector, Request expected) throws Exception {
        byte[] bytes = Hex.resource(getClass(), "/vectors/" + vector);
        TftpPacket decoded = TftpCodec.decode(ByteBuffer.wrap(bytes));
        assertThat(decoded).isEqualTo(expected);
        assertThat(((Request) decoded).options().keySet()).containsExactlyElementsOf(expected.options().keySet());
        assertThat(TftpCodec.toBytes(decoded)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "ack 0           | 0004 0000",
        "ack 65535       | 0004 ffff",
        "error not found | 0005 0001 66696c65206e6f7420666f756e64 00",
        "error empty     | 0005 0000 00",
        "oack            | 0006 626c6b73697a6500 3134363800 7473697a6500 3100",
        "data empty      | 0003 0007",
        "data 3 bytes    | 0003 ffff 616263",
        "rrq mixed case  | 0001 61 00 6e6574617363696900",
    })
    void everyPacketTypeRoundTrips(String name, String hex) throws Exception {
        byte[] bytes = Hex.decode(hex);
        TftpPacket p = TftpCodec.decode(ByteBuffer.wrap(bytes));
        assertThat(TftpCodec.toBytes(p)).as(name).isEqualTo(bytes);
        assertThat(TftpCodec.encodedLength(p)).isEqualTo(bytes.length);
    }

    @Test
    void fieldsDecodeToTheirValues() throws Exception {
        assertThat(TftpCodec.decode(ByteBuffer.wrap(Hex.decode("0004 fffe")))).isEqualTo(new Ack(65534));
        assertThat(TftpCodec.decode(ByteBuffer.wrap(Hex.decode("0005 0002 6e6f00"))))
                .isEqualTo(new ErrorPacket(2, "no"));
        Data d = (Data) TftpCodec.decode(ByteBuffer.wrap(Hex.decode("0003 0102 aabbcc")));
        assertThat(d.block()).isEqualTo(0x0102);
        assertThat(d.bytes()).containsExactly(0xaa, 0xbb, 0xcc);
        OptionAck o = (OptionAck) TftpCodec.decode(ByteBuffer.wrap(Hex.decode("0006 74696d656f757400 3500")));
        assertThat(o.options()).containsExactly(Map.entry("timeout", "5"));
        // Mode and option names are case-insensitive on the wire (RFC 1350 section 5, RFC 2347).
        ReadRequest r = (ReadRequest) TftpCodec.decode(ByteBuffer.wrap(
                Hex.decode("0001 4100 4f43544554 00 424c4b53495a4500 31303234 00")));
        assertThat(r).isEqualTo(new ReadRequest("A", Mode.OCTET, opts("blksize", "1024")));
    }

    @Test
    void decodeReadsOnlyBetweenPositionAndLimitAndLeavesThemAlone() throws Exception {
        ByteBuffer buf = ByteBuffer.wrap(Hex.decode("ffff 0004 0009 ffff"));
        buf.position(2).limit(6);
        assertThat(TftpCodec.decode(buf)).isEqualTo(new Ack(9));
        assertThat(buf.position()).isEqualTo(2);
        assertThat(buf.limit()).isEqualTo(6);
    }

    @Test
    void zeroPaddingAfterTheLastOptionIsAccepted() throws Exception {
        assertThat(TftpCodec.decode(ByteBuffer.wrap(Hex.decode("0001 6100 6f6374657400 000000"))))
                .isEqualTo(new ReadRequest("a", Mode.OCTET));
    }

    @Test
    void errorWithoutTerminatorIsStillAnError() throws Exception {
        assertThat(TftpCodec.decode(ByteBuffer.wrap(Hex.decode("0005 0008 6e6f"))))
                .isEqualTo(new ErrorPacket(8, "no"));
    }

    @Test
    void largestDataIsAcceptedAndOneMoreByteIsNot() throws Exception {
        ByteBuffer ok = ByteBuffer.allocate(4 + Data.MAX_PAYLOAD).putShort((short) 3).putShort((short) 1);
        ok.position(0);
        assertThat(((Data) TftpCodec.decode(ok)).length()).isEqualTo(Data.MAX_PAYLOAD);
        ByteBuffer big = ByteBuffer.allocate(5 + Data.MAX_PAYLOAD).putShort((short) 3).putShort((short) 1);
        big.position(0);
        assertThatThrownBy(() -> TftpCodec.decode(big)).isInstanceOfSatisfying(MalformedPacketException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.OVERSIZE));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // name                       | hex                                              | reason               | offset
        "empty datagram               | ''                                               | TRUNCATED            | 0",
        "one byte                     | 00                                               | TRUNCATED            | 1",
        "opcode 0                     | 0000 0000                                        | UNKNOWN_OPCODE       | 0",
        "opcode 7                     | 0007 0000                                        | UNKNOWN_OPCODE       | 0",
        "ack without block            | 0004 00                                          | TRUNCATED            | 3",
        "data without block           | 0003                                             | TRUNCATED            | 2",
        "error without code           | 0005 00                                          | TRUNCATED            | 3",
        "rrq name runs to end         | 0001 616263                                      | MISSING_NUL          | 5",
        "rrq mode runs to end         | 0001 6100 6f63746574                             | MISSING_NUL          | 9",
        "rrq with no mode at all      | 0001 6100                                        | MISSING_NUL          | 4",
        "rrq empty filename           | 0001 00 6f6374657400                             | EMPTY_FILENAME       | 2",
        "rrq unknown mode             | 0001 6100 62696e61727900                         | UNKNOWN_MODE         | 4",
        "option without value         | 0001 6100 6f6374657400 7473697a6500              | OPTION_WITHOUT_VALUE | 10",
        "option value runs to end     | 0001 6100 6f6374657400 7473697a6500 31           | MISSING_NUL          | 17",
        "option name runs to end      | 0001 6100 6f6374657400 7473697a65                | MISSING_NUL          | 15",
        "duplicate option             | 0001 6100 6f6374657400 7473697a65003000 5453495a45003100 | DUPLICATE_OPTION | 18",
        "empty option name then data  | 0001 6100 6f6374657400 00 3100                   | EMPTY_OPTION_NAME    | 10",
        "blksize not a number         | 0001 6100 6f6374657400 626c6b73697a6500 31307800 | BAD_OPTION_VALUE     | 18",
        "negative windowsize          | 0001 6100 6f6374657400 77696e646f7773697a6500 2d3100 | BAD_OPTION_VALUE | 21",
        "empty tsize                  | 0001 6100 6f6374657400 7473697a650000            | BAD_OPTION_VALUE     | 16",
        "huge tsize                   | 0001 6100 6f6374657400 7473697a6500 31323334353637383930313233343536373839 00 | BAD_OPTION_VALUE | 16",
        "oack option without value    | 0006 626c6b73697a6500                            | OPTION_WITHOUT_VALUE | 2",
        "oack duplicate               | 0006 6100 3100 6100 3200                         | DUPLICATE_OPTION     | 6",
    })
    void malformedPacketsAreRejectedWithTheirReason(String name, String hex, Reason reason, int offset) {
        byte[] bytes = Hex.decode(hex);
        assertThatThrownBy(() -> TftpCodec.decode(ByteBuffer.wrap(bytes))).as(name)
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> {
                    assertThat(e.reason()).as(name).isEqualTo(reason);
                    assertThat(e.offset()).as(name).isEqualTo(offset);
                });
    }

    @Test
    void unknownOptionsAreKeptForThePolicyToIgnore() throws Exception {
        ReadRequest r = (ReadRequest) TftpCodec.decode(ByteBuffer.wrap(
                Hex.decode("0001 6100 6f6374657400 6d756c746963617374 00 00")));
        assertThat(r.options()).containsExactly(Map.entry("multicast", ""));
    }
}
