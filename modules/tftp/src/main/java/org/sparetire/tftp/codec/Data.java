package org.sparetire.tftp.codec;

import java.nio.ByteBuffer;

/**
 * A DATA packet. The payload is a read-only view of the datagram it came from (no copy), so it is valid
 * only while that datagram is; equality compares the payload bytes.
 *
 * @param block the 16-bit block number as on the wire (0..65535; it wraps on files beyond 65535 blocks)
 */
public record Data(int block, ByteBuffer payload) implements TftpPacket {
    /** RFC 2348: the largest block that fits an unfragmented-by-the-protocol 64 KiB UDP datagram. */
    public static final int MAX_PAYLOAD = 65464;
    public static final int HEADER = 4;

    public Data {
        if (block < 0 || block > 0xFFFF) {
            throw new IllegalArgumentException("block number out of range: " + block);
        }
        payload = payload.asReadOnlyBuffer();
    }

    public static Data of(int block, byte[] bytes) {
        return new Data(block, ByteBuffer.wrap(bytes));
    }

    public int length() {
        return payload.remaining();
    }

    public byte[] bytes() {
        byte[] b = new byte[payload.remaining()];
        payload.duplicate().get(b);
        return b;
    }

    @Override
    public int opcode() {
        return OP_DATA;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Data d && d.block == block && d.payload.equals(payload);
    }

    @Override
    public int hashCode() {
        return block * 31 + payload.hashCode();
    }

    @Override
    public String toString() {
        return "Data[block=" + block + ", length=" + length() + "]";
    }
}
