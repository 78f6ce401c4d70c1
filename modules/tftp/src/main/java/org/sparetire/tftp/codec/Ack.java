package org.sparetire.tftp.codec;

/** @param block the 16-bit block number acknowledged; 0 acknowledges a WRQ or an OACK */
public record Ack(int block) implements TftpPacket {
    public Ack {
        if (block < 0 || block > 0xFFFF) {
            throw new IllegalArgumentException("block number out of range: " + block);
        }
    }

    @Override
    public int opcode() {
        return OP_ACK;
    }
}
