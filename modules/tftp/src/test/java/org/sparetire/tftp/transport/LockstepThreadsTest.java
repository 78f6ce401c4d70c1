package org.sparetire.tftp.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LockstepThreadsTest {
    @Test
    void refusesBeyondItsBoundAndTakesTransfersAgainOnceOneEnds() throws Exception {
        LockstepThreads threads = new LockstepThreads(1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        assertThat(threads.tryRun(() -> {
            running.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })).isTrue();
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(threads.tryRun(() -> { })).as("the only thread is busy").isFalse();
        release.countDown();
        CountDownLatch second = new CountDownLatch(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean taken = false;
        while (!taken && System.nanoTime() < deadline) {
            taken = threads.tryRun(second::countDown); // true once the first thread is back, idle
            Thread.onSpinWait();
        }
        assertThat(taken).isTrue();
        assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theTimerRunsATaskAfterItsDelay() throws Exception {
        LockstepThreads threads = new LockstepThreads(1);
        CountDownLatch ran = new CountDownLatch(1);
        long start = System.nanoTime();
        threads.schedule(ran::countDown, TimeUnit.MILLISECONDS.toNanos(20));
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
    }
}
