package org.sparetire.syslog.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
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
}
