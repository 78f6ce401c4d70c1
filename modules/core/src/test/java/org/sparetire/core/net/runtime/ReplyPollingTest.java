package org.sparetire.core.net.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ReplyPollingTest {
    private long now = 1_000_000;
    private final ReplyPolling strategy = new ReplyPolling(() -> now);
    private final AtomicInteger selectNowCalls = new AtomicInteger();
    private int ready;
    private final IntSupplier selectNow = () -> {
        selectNowCalls.incrementAndGet();
        return ready;
    };

    @Test
    void sleepsUnlessAskedToPoll() throws Exception {
        assertThat(strategy.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(selectNowCalls).hasValue(0);
    }

    @Test
    void queuedTasksNeverWaitForASleep() throws Exception {
        ready = 2;
        assertThat(strategy.calculateStrategy(selectNow, true)).isEqualTo(2);
        ready = 0;
        assertThat(strategy.calculateStrategy(selectNow, true)).isZero();
    }

    @Test
    void pollsUntilTheBudgetRunsOutThenSleeps() throws Exception {
        strategy.pollFor(100_000);
        assertThat(strategy.calculateStrategy(selectNow, false)).as("nothing ready: look again").isZero();
        now += 99_999;
        assertThat(strategy.calculateStrategy(selectNow, false)).isZero();
        now += 1;
        assertThat(strategy.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(strategy.calculateStrategy(selectNow, false)).as("once over, over").isEqualTo(SelectStrategy.SELECT);
        assertThat(selectNowCalls).hasValue(3);
    }

    @Test
    void aReadySocketEndsTheLookButNotThePolling() throws Exception {
        strategy.pollFor(100_000);
        ready = 1;
        assertThat(strategy.calculateStrategy(selectNow, false)).isEqualTo(1);
        ready = 0;
        now += 50_000;
        assertThat(strategy.calculateStrategy(selectNow, false)).as("other sockets may answer too").isZero();
    }

    @Test
    void aLaterSendMovesTheDeadline() throws Exception {
        strategy.pollFor(100_000);
        now += 90_000;
        strategy.pollFor(100_000);
        now += 90_000;
        assertThat(strategy.calculateStrategy(selectNow, false)).isZero();
        strategy.pollFor(0);
        now += 10_000;
        assertThat(strategy.calculateStrategy(selectNow, false)).as("a zero budget changes nothing")
                .isEqualTo(SelectStrategy.SELECT);
    }

    @Test
    void sendersReachOnlyTheStrategyOfTheirOwnLoopThread() throws Throwable {
        onNewThread(() -> {
            ReplyPolling.expectReplyWithin(100_000); // before the loop first ran: nothing to reach, no harm
            assertThat(strategy.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT);
            ReplyPolling.expectReplyWithin(100_000);
            assertThat(strategy.calculateStrategy(selectNow, false)).isZero();
            now += 100_000;
            assertThat(strategy.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT);
        });
        onNewThread(() -> ReplyPolling.expectReplyWithin(100_000)); // a thread of no loop
        assertThat(strategy.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT);
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void onNewThread(Body body) throws Throwable {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
