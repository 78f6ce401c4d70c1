package org.sparetire.tftp.codec;

/**
 * One TFTP packet (RFC 1350 section 5, RFC 2347 for OACK). Every packet starts with a 2-byte opcode:
 *
 * <pre>
 *  RRQ/WRQ  | 01/02 | filename | 0 | mode | 0 | opt1 | 0 | value1 | 0 | ... |
 *  DATA     | 03    | block #  | data (0..blksize bytes)                  |
 *  ACK      | 04    | block #  |
 *  ERROR    | 05    | code     | message | 0 |
 *  OACK     | 06    | opt1 | 0 | value1 | 0 | ...                          |
 * </pre>
 */
public sealed interface TftpPacket permits Request, Data, Ack, ErrorPacket, OptionAck {
    int OP_RRQ = 1;
    int OP_WRQ = 2;
    int OP_DATA = 3;
    int OP_ACK = 4;
    int OP_ERROR = 5;
    int OP_OACK = 6;

    int opcode();
}
