package org.sparetire.tftp.codec;

import java.util.Map;

/** A read or write request: the only packets that open a transfer. */
public sealed interface Request extends TftpPacket permits ReadRequest, WriteRequest {
    String filename();

    Mode mode();

    /** Options in the order the client sent them, names lower-cased (RFC 2347: names are case-insensitive). */
    Map<String, String> options();
}
