package org.sparetire.core.net.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
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
        try (NetRuntime net = NetRuntime.create("epoll", 1)) {
            EventLoop loop = net.group().next();
            CountDownLatch timerRan = new CountDownLatch(1);
            Path loopThread = loop.submit(() -> {
                ReplyPolling.expectReplyWithin(TimeUnit.MILLISECONDS.toNanos(50));
                loop.schedule(timerRan::countDown, 10, TimeUnit.MILLISECONDS);
                return Path.of("/proc").resolve(Files.readSymbolicLink(Path.of("/proc/thread-self")));
            }).get();
            assertThat(timerRan.await(5, TimeUnit.SECONDS)).as("a timer falls due while the loop polls").isTrue();
            // A loop that polls never sleeps: the kernel shows it running or runnable (R), however loaded the
            // machine. Once the budget is over it waits in epoll_wait (S), and nothing here wakes it again.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!state(loopThread).equals("S") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            for (int sample = 0; sample < 20; sample++) {
                assertThat(state(loopThread)).as("state of the idle loop thread, sample %d", sample).isEqualTo("S");
                Thread.sleep(5);
            }
        }
    }

    /** The scheduler state letter of a thread, from /proc/PID/task/TID/stat (proc(5)). */
    private static String state(Path task) throws Exception {
        String stat = Files.readString(task.resolve("stat"));
        return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    }
}
