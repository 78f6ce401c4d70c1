package org.sparetire.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.junit.jupiter.api.Test;

class NetRuntimeTest {
    @Test
    void nioIsAlwaysAvailable() {
        try (NetRuntime nio = NetRuntime.create("nio", 1)) {
            assertThat(nio.name()).isEqualTo("nio");
            assertThat(nio.datagramChannel()).isEqualTo(NioDatagramChannel.class);
        }
    }

    @Test
    void autoPicksEpollWhereItLoads() {
        try (NetRuntime auto = NetRuntime.create("auto", 1)) {
            assertThat(auto.name()).isEqualTo(Epoll.isAvailable() ? "epoll" : "nio");
        }
    }

    @Test
    void onLinuxX86AndArmTheNativeTransportShips() {
        String arch = System.getProperty("os.arch");
        if (System.getProperty("os.name").startsWith("Linux") && (arch.equals("amd64") || arch.equals("aarch64"))) {
            assertThat(Epoll.isAvailable()).as("epoll native library loads").isTrue();
        }
    }
}
