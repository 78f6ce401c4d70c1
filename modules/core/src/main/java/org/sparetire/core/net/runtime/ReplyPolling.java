package org.sparetire.core.net.runtime;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import io.netty.util.concurrent.FastThreadLocal;
import org.sparetire.core.net.PowerSource;

/**
 * How an epoll event loop waits: it sleeps in epoll_wait, except for a short while after a send whose
 * reply a fast peer returns at once (a lockstep TFTP block and its ACK). Then it polls the ready list
 * without sleeping, because waking a sleeping thread costs more than the reply itself: on loopback in
 * a virtual machine a UDP ping-pong takes about 51 us when the answering side sleeps and 18 us when it
 * polls, whatever the datagram size. Polling stops at the deadline the sender set, so a peer that is slow
 * to answer costs at most that much CPU per send, and a loop nobody asked to poll never does.
 *
 * <p>Only for epoll: NIO's loop treats repeated empty wakeups as the JDK selector bug and rebuilds its
 * selector, so NIO runtimes keep Netty's default strategy (and {@link #expectReplyWithin} does nothing).
 */
public final class ReplyPolling implements SelectStrategy {
    static final SelectStrategyFactory FACTORY = ReplyPolling::new;
    private static final FastThreadLocal<ReplyPolling> LOOP = new FastThreadLocal<>();

    private final LongSupplierNanos clock;
    private boolean registered;
    private boolean polling;
    private long pollUntil;

    /** The loop's own time source: System.nanoTime in production, a manual one in tests. */
    @FunctionalInterface
    interface LongSupplierNanos {
        long nanoTime();
    }

    ReplyPolling() {
        this(System::nanoTime);
    }

    ReplyPolling(LongSupplierNanos clock) {
        this.clock = clock;
    }

    /**
     * Called on an event loop right after a send that expects a quick reply: that loop polls instead of
     * sleeping for up to {@code budgetNanos} (a later call moves the deadline). A no-op on any other
     * thread, including NIO loops, and while the machine runs on battery ({@link PowerSource}).
     */
    public static void expectReplyWithin(long budgetNanos) {
        ReplyPolling p = LOOP.getIfExists();
        if (p != null && !PowerSource.onBattery()) {
            p.pollFor(budgetNanos);
        }
    }

    void pollFor(long budgetNanos) {
        if (budgetNanos > 0) {
            polling = true;
            pollUntil = clock.nanoTime() + budgetNanos;
        }
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        if (!registered) {
            // The first call runs on the loop's own thread, which is where senders look for it.
            LOOP.set(this);
            registered = true;
        }
        if (hasTasks) {
            return selectNow.get(); // as Netty's default: never sleep with work queued
        }
        if (polling) {
            int ready = selectNow.get();
            if (ready > 0) {
                return ready;
            }
            if (clock.nanoTime() - pollUntil < 0) {
                return 0; // nothing yet: the loop runs any timer that fell due and asks again
            }
            polling = false;
        }
        return SelectStrategy.SELECT;
    }
}
