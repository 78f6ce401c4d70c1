package org.sparetire.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    @Test
    void anEpollLoopAskedToPollStillRunsItsTimersAndThenSleeps() throws Exception {
        // The suite runs on Linux, where both hold (onLinuxX86AndArmTheNativeTransportShips): if either is
        // missing, this must fail rather than skip, or a broken native transport would pass unnoticed.
        assertThat(Epoll.isAvailable()).as("epoll native library loads: %s", Epoll.unavailabilityCause()).isTrue();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assertThat(threads.isCurrentThreadCpuTimeSupported()).as("the JVM measures thread CPU time").isTrue();
        try (NetRuntime net = NetRuntime.create("epoll", 1)) {
            EventLoop loop = net.group().next();
            CountDownLatch timerRan = new CountDownLatch(1);
            long loopThread = loop.submit(() -> {
                ReplyPolling.expectReplyWithin(TimeUnit.MILLISECONDS.toNanos(50));
                loop.schedule(timerRan::countDown, 10, TimeUnit.MILLISECONDS);
                return Thread.currentThread().getId();
            }).get();
            assertThat(timerRan.await(5, TimeUnit.SECONDS)).as("a timer falls due while the loop polls").isTrue();
            Thread.sleep(100); // the 50 ms budget is over
            long before = threads.getThreadCpuTime(loopThread);
            Thread.sleep(300);
            long spent = threads.getThreadCpuTime(loopThread) - before;
            assertThat(spent).as("CPU of the idle loop over 300 ms, ns").isLessThan(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }
}
