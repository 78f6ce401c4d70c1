package org.sparetire.tftp.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.net.Addresses;
import org.sparetire.tftp.codec.MalformedPacketException;
import org.sparetire.tftp.codec.TftpCodec;
import org.sparetire.tftp.codec.TftpPacket;

/** The socket of one transfer (its TID): each datagram decoded and handed to the transfer. */
final class TransferHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger log = LoggerFactory.getLogger("org.sparetire.tftp");
    private final TransferContext transfer;

    TransferHandler(TransferContext transfer) {
        this.transfer = transfer;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        try {
            transfer.onPacket(packet.sender(), decode(packet));
        } catch (MalformedPacketException e) {
            // Dropped, not answered: an error to a forged source would make us a reflector.
            log.debug("tftp malformed packet dropped: peer={} {}", Addresses.format(packet.sender()), e.getMessage());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A UDP error (ICMP port unreachable, a full buffer) concerns one datagram, not the socket.
        log.debug("tftp transfer socket: {}", cause.toString());
    }

    static TftpPacket decode(DatagramPacket packet) throws MalformedPacketException {
        return TftpCodec.decode(packet.content().nioBuffer());
    }
}
