package org.sparetire.dhcp.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.sparetire.dhcp.support.Requests;

class LinkLayerSenderTest {
    static int fold(long s) {
        while ((s >> 16) != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (int) s;
    }

    static long sum(byte[] b, int off, int len) {
        long s = 0;
        for (int i = 0; i < len; i += 2) {
            s += ((b[off + i] & 0xff) << 8) | (i + 1 < len ? b[off + i + 1] & 0xff : 0);
        }
        return s;
    }

    @Test
    void headersCarryLengthsAddressesPortsAndChecksumsAReceiverAccepts() {
        Inet4Address src = (Inet4Address) Requests.ip("10.123.0.1");
        Inet4Address dst = (Inet4Address) Requests.ip("10.123.0.2");
        byte[] payload = new byte[301]; // odd, so the UDP checksum pads
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 7);
        }
        byte[] d = LinkLayerSender.datagram(src, 67, dst, 68, payload);
        ByteBuffer b = ByteBuffer.wrap(d);
        assertThat(d).hasSize(20 + 8 + 301);
        assertThat(b.get(0)).isEqualTo((byte) 0x45);
        assertThat(b.getShort(2)).isEqualTo((short) d.length);
        assertThat(b.get(9)).isEqualTo((byte) 17);
        assertThat(fold(sum(d, 0, 20))).as("IP header sums to all ones").isEqualTo(0xffff);
        assertThat(b.getShort(20)).isEqualTo((short) 67);
        assertThat(b.getShort(22)).isEqualTo((short) 68);
        assertThat(b.getShort(24)).isEqualTo((short) (8 + 301));
        long pseudo = sum(d, 12, 8) + 17 + 8 + 301;
        assertThat(fold(pseudo + sum(d, 20, 8 + 301))).as("UDP with its pseudo-header sums to all ones").isEqualTo(0xffff);
        assertThat(java.util.Arrays.copyOfRange(d, 28, d.length)).isEqualTo(payload);
    }
}
