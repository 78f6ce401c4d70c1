package org.sparetire.dhcp.transport;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a UDP/IPv4 datagram as a link-layer frame to a given MAC: an {@code AF_PACKET} socket of type
 * {@code SOCK_DGRAM} (the kernel adds the Ethernet header), through JNA. A reply to a directly connected
 * client then goes to its chaddr without ARP, and without an entry in the kernel's neighbour table, as
 * Kea's and ISC dhcpd's raw socket modes send. Needs CAP_NET_RAW; where the socket cannot be made, {@link
 * #open} returns null and replies go through the UDP socket. Sends never block ({@code MSG_DONTWAIT}).
 */
final class LinkLayerSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LinkLayerSender.class);
    // linux/socket.h, linux/if_ether.h, bits/socket_type.h; the same on x86-64 and aarch64, the only ones admitted.
    private static final int AF_PACKET = 17;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int ETH_P_IP = 0x0800;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int SOCKADDR_LL = 20;
    private static final int IP_HEADER = 20;
    private static final int UDP_HEADER = 8;
    /** linux/if_arp.h, as /sys/class/net/IFACE/type shows it. */
    private static final String ARPHRD_ETHER = "1";

    /** Null until first asked; then whether the calls loaded. */
    private static Boolean available;

    private final int fd;
    private final int ifindex;
    private final String iface;

    private LinkLayerSender(int fd, int ifindex, String iface) {
        this.fd = fd;
        this.ifindex = ifindex;
        this.iface = iface;
    }

    /**
     * A sender out of {@code iface}, or null where link-layer sends cannot be made (said at INFO) or make
     * no sense: only Ethernet-like interfaces (ARPHRD_ETHER) address frames by a chaddr; on loopback a frame
     * to a client's MAC would be dropped as meant for another host.
     */
    static LinkLayerSender open(String iface) {
        if (!ethernet(iface) || !loaded()) {
            return null;
        }
        int index = Libc.if_nametoindex(iface);
        if (index == 0) {
            return null;
        }
        try {
            // Protocol 0: the socket only sends. With ETH_P_IP it would also receive a copy of every IP frame
            // on every interface of the host, and nobody would read them.
            int fd = Libc.socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            return new LinkLayerSender(fd, index, iface);
        } catch (LastErrorException e) {
            log.info("dhcp unicast replies on {} go through ARP: no link-layer socket ({}; it needs CAP_NET_RAW)",
                    iface, e.getMessage());
            return null;
        }
    }

    private static boolean ethernet(String iface) {
        try {
            return Files.readString(Path.of("/sys/class/net", iface, "type")).trim().equals(ARPHRD_ETHER);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static synchronized boolean loaded() {
        if (available == null) {
            available = register();
        }
        return available;
    }

    private static boolean register() {
        if (!Platform.isLinux() || !(Platform.ARCH.equals("x86-64") || Platform.ARCH.equals("aarch64"))) {
            return false;
        }
        try {
            Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
            return true;
        } catch (LinkageError | RuntimeException e) {
            log.info("dhcp unicast replies go through ARP: JNA could not load ({})", e.toString());
            return false;
        }
    }

    private static final class Libc {
        static native int socket(int domain, int type, int protocol) throws LastErrorException;

        static native int if_nametoindex(String name);

        static native long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen)
                throws LastErrorException;

        static native int close(int fd);
    }

    /**
     * Sends {@code payload} from {@code src:srcPort} to {@code dst:dstPort}, framed to {@code mac}.
     *
     * @return false when the kernel had no room (or refused): the reply is dropped, never queued
     */
    boolean send(byte[] mac, Inet4Address src, int srcPort, Inet4Address dst, int dstPort, byte[] payload) {
        byte[] packet = datagram(src, srcPort, dst, dstPort, payload);
        ByteBuffer to = ByteBuffer.allocate(SOCKADDR_LL).order(ByteOrder.nativeOrder());
        to.putShort((short) AF_PACKET).order(ByteOrder.BIG_ENDIAN).putShort((short) ETH_P_IP)
                .order(ByteOrder.nativeOrder()).putInt(ifindex).putShort((short) 0).put((byte) 0).put((byte) mac.length)
                .put(mac, 0, Math.min(mac.length, 8));
        try {
            Libc.sendto(fd, packet, packet.length, MSG_DONTWAIT, to.array(), SOCKADDR_LL);
            return true;
        } catch (LastErrorException e) {
            log.debug("dhcp link-layer send to {} via {} failed: {}", dst.getHostAddress(), iface, e.getMessage());
            return false;
        }
    }

    /** An IPv4 header (no options, TTL 64) and a UDP header, both with their checksums, before the payload. */
    static byte[] datagram(Inet4Address src, int srcPort, Inet4Address dst, int dstPort, byte[] payload) {
        int udpLength = UDP_HEADER + payload.length;
        ByteBuffer b = ByteBuffer.allocate(IP_HEADER + udpLength); // big-endian, as on the wire
        b.put((byte) 0x45).put((byte) 0x10).putShort((short) (IP_HEADER + udpLength)).putShort((short) 0)
                .putShort((short) 0).put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(src.getAddress()).put(dst.getAddress());
        b.putShort(10, checksum(0, b.array(), 0, IP_HEADER));
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) udpLength).putShort((short) 0).put(payload);
        long pseudo = sum(0, src.getAddress(), 0, 4) + sum(0, dst.getAddress(), 0, 4) + 17 + udpLength;
        short udp = checksum(pseudo, b.array(), IP_HEADER, udpLength);
        b.putShort(IP_HEADER + 6, udp == 0 ? (short) 0xffff : udp); // 0 would mean "no checksum" (RFC 768)
        return b.array();
    }

    private static long sum(long acc, byte[] data, int off, int len) {
        for (int i = 0; i + 1 < len; i += 2) {
            acc += ((data[off + i] & 0xff) << 8) | (data[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            acc += (data[off + len - 1] & 0xff) << 8;
        }
        return acc;
    }

    /** RFC 1071 one's complement sum over {@code data[off, off+len)} plus {@code acc}. */
    private static short checksum(long acc, byte[] data, int off, int len) {
        long s = sum(acc, data, off, len);
        while ((s >> 16) != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (short) ~s;
    }

    @Override
    public void close() {
        Libc.close(fd);
    }
}
