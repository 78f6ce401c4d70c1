package org.sparetire.syslog.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.sparetire.syslog.SyslogConfig;
import org.junit.jupiter.api.Test;

class UdpListenerTest {
    @Test
    void aQuietSocketIsLeftAloneOnlyAsLongAsItsBufferCanWait() {
        assertThat(UdpListener.pauseAfterShortBurst(8 << 20)).as("the default 8 MiB")
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(UdpListener.pauseAfterShortBurst(1L << 30)).as("never more than 1 ms")
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(UdpListener.pauseAfterShortBurst(2 << 20)).isEqualTo(TimeUnit.MICROSECONDS.toNanos(256));
        assertThat(UdpListener.pauseAfterShortBurst(212_992)).as("Linux's default rmem_max: too small to wait")
                .isZero();
    }

    @Test
    void receiveSlotsHoldTheLargestDatagramAndStartInDifferentCacheSets() {
        assertThat(UdpListener.SLOT).isGreaterThanOrEqualTo(SyslogConfig.MAX_UDP_PAYLOAD);
        Set<Integer> firstLineSets = new HashSet<>();
        for (int slot = 0; slot < UdpListener.BATCH; slot++) {
            // a 32 KiB 8-way L1 has 64 sets of 64-byte lines: address bits 6 to 11
            firstLineSets.add((int) ((long) slot * UdpListener.SLOT % 4096 / 64));
        }
        assertThat(firstLineSets).hasSize(UdpListener.BATCH);
    }
}
