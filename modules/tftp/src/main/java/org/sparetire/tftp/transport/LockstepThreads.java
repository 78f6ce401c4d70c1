package org.sparetire.tftp.transport;

import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that serve lockstep reads on sockets of their own ({@link LockstepSocket}), at most
 * {@link #max} at a time, and the one timer thread that runs their retransmissions. Threads are made when
 * needed and end after a while idle; a transfer that finds them all busy stays on the event loops.
 *
 * <p>Handing a transfer over never waits: an idle thread takes it at once, or a new one is started, or it
 * is refused.
 */
final class LockstepThreads {
    /** How long an idle thread waits for the next transfer before it ends. */
    private static final long IDLE_SECONDS = 30;

    private final int max;
    private final ThreadPoolExecutor threads;
    private final ScheduledThreadPoolExecutor timer;

    LockstepThreads(int max) {
        this.max = max;
        this.threads = new ThreadPoolExecutor(0, max, IDLE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemons("sparetire-tftp-lockstep"));
        this.timer = new ScheduledThreadPoolExecutor(1, daemons("sparetire-tftp-timer"));
        timer.setKeepAliveTime(IDLE_SECONDS, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        timer.setRemoveOnCancelPolicy(true);
    }

    /** As many threads as the machine has cores, four times over: most of their time they wait for an ACK. */
    static int defaultMax() {
        return 4 * Runtime.getRuntime().availableProcessors();
    }

    int max() {
        return max;
    }

    /** Threads serving a transfer now. */
    int busy() {
        return threads.getActiveCount();
    }

    /** Runs the transfer on a thread of its own; false when {@link #max} are busy. */
    boolean tryRun(Runnable transfer) {
        try {
            threads.execute(transfer);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        return timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Runs the task soon on the timer thread. */
    Future<?> submit(Runnable task) {
        return timer.submit(task);
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
