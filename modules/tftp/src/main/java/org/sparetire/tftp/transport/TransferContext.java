package org.sparetire.tftp.transport;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.event.TransferDirection;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.event.TransferProgress;
import org.sparetire.core.event.TransferStarted;
import org.sparetire.core.time.Clock;
import org.sparetire.tftp.codec.Request;
import org.sparetire.tftp.codec.TftpPacket;
import org.sparetire.tftp.policy.FileSource;
import org.sparetire.tftp.session.BlockReceiver;
import org.sparetire.tftp.session.BlockSender;
import org.sparetire.tftp.session.Completion;
import org.sparetire.tftp.session.Outgoing;
import org.sparetire.tftp.session.Step;
import org.sparetire.tftp.session.Transfer;

/**
 * One running transfer: feeds the session, hands what it sends to its {@link Io}, keeps one lazy timer, and
 * reports the outcome once. Most transfers run on their channel's event loop, with a {@link TransferSender};
 * a lockstep read may run on a thread of its own instead ({@link LockstepSocket}). Either way every method
 * except the volatile getters runs one call at a time: on the loop, or under the socket's lock.
 */
final class TransferContext implements TransferPlanner.Existing {
    /** Where the transfer's packets leave, and where its timer and calls from outside run. */
    interface Io {
        /**
         * Sends what one step sends; when the transfer goes on ({@code more}) it may prepare the likely next.
         *
         * @return false when the source could not give a block (the file changed)
         */
        boolean send(List<Outgoing> sends, boolean more);

        /** A packet from the peer arrived at {@code now}. */
        default void replied(long now) {
        }

        /** Runs the task after the delay, one at a time with the transfer's other events. */
        Future<?> schedule(Runnable task, long delayNanos);

        /** Runs the task soon, one at a time with the transfer's other events; never waits for it. */
        Future<?> submit(Runnable task);

        /** The transfer has ended: gives its buffers back, and closes its socket when the socket is its own. */
        void close();
    }

    private final TransferPlan plan;
    private final TransferRuntime runtime;
    private final TransferRecord record;
    private final Transfer session;
    private final Clock clock;
    private final EventBus events;
    private final TransferListener listener;
    private final long progressIntervalNanos;
    private Io io;
    /** The event loop's channel, or null when the transfer has a thread of its own. */
    private Channel channel;
    /** The request socket a single-port transfer shares; null when the transfer has its own. */
    private RequestSocket shared;
    private boolean ownsChannel;
    private long startedNanos;
    private long lastProgress;
    private long deadline = Step.NO_DEADLINE;
    private Future<?> timer;
    /** When {@link #timer} fires. */
    private long timerAt;
    private boolean reported;
    private volatile boolean closed;
    private volatile boolean progressed;

    TransferContext(TransferPlan plan, TransferRuntime runtime) {
        this.plan = plan;
        this.runtime = runtime;
        this.record = plan.record();
        this.session = plan.session();
        this.clock = runtime.clock();
        this.events = runtime.events();
        this.listener = runtime.listener();
        this.progressIntervalNanos = plan.settings().progressInterval().toNanos();
    }

    TransferRecord record() {
        return record;
    }

    int blksize() {
        return session.parameters().blksize();
    }

    @Override
    public Request request() {
        return plan.request();
    }

    /** The request socket this transfer shares, or null when it has a socket of its own. */
    RequestSocket shared() {
        return shared;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean hasProgressed() {
        return progressed;
    }

    @Override
    public boolean ownsChannel() {
        return ownsChannel;
    }

    /** The event loop's channel (the request socket's for a single-port transfer), or null. */
    Channel channel() {
        return channel;
    }

    /** Its own socket. */
    void attach(Channel channel) {
        attach(channel, null);
    }

    /** @param shared the request socket the transfer shares, or null when {@code channel} is its own */
    void attach(Channel channel, RequestSocket shared) {
        this.channel = channel;
        this.shared = shared;
        this.ownsChannel = shared == null;
        TransferSender sender = new TransferSender(plan, runtime);
        sender.attach(channel);
        this.io = new OnLoop(channel, sender, ownsChannel);
    }

    /** A socket of its own, served from a thread of its own. */
    void attach(Io own) {
        this.ownsChannel = true;
        this.io = own;
    }

    /** Runs the task one at a time with the transfer's events (its loop, or its socket's lock); null before it has a socket. */
    Future<?> runSoon(Runnable task) {
        Io current = io;
        return current == null ? null : current.submit(task);
    }

    void start() {
        startedNanos = clock.nanoTime();
        Instant startedAt = clock.now();
        lastProgress = startedNanos;
        events.publish(new TransferStarted(startedAt, record.id(), record.peer(), record.direction(),
                record.file(), record.mode(), record.options(), plan.expectedBytes()));
        apply(session.start(startedNanos));
    }

    void onPacket(InetSocketAddress from, TftpPacket packet) {
        if (closed) {
            return;
        }
        long now = clock.nanoTime();
        io.replied(now);
        apply(session.onPacket(from, packet, now));
    }

    void abort(String reason) {
        if (!closed) {
            apply(session.abort(reason));
        }
    }

    private void onTimer() {
        timer = null;
        if (closed) {
            return;
        }
        long now = clock.nanoTime();
        if (deadline != Step.NO_DEADLINE && now - deadline < 0) {
            schedule(now);
            return;
        }
        apply(session.onTimeout(now));
    }

    private void apply(Step step) {
        if (!io.send(step.send(), !step.closed())) {
            apply(session.abort("file changed while being sent"));
            return;
        }
        long now = clock.nanoTime();
        if (session.bytes() > 0) {
            progressed = true;
        }
        if (step.completion() != null) {
            if (step.closed()) {
                // Leave the live set before anyone hears of the outcome.
                close();
            }
            report(step.completion(), now);
        } else if (!step.closed() && now - lastProgress >= progressIntervalNanos) {
            lastProgress = now;
            events.publish(new TransferProgress(clock.now(), record.id(), record.peer(), session.bytes(),
                    plan.expectedBytes(), session.retransmits()));
        }
        if (step.closed()) {
            close();
            return;
        }
        deadline = step.deadline();
        if (scheduleAnew(timer != null, timerAt, deadline)) {
            if (timer != null) {
                timer.cancel(false);
            }
            schedule(now);
        }
    }

    /**
     * Whether the timer must be (re)scheduled for a new deadline. It stays lazy while deadlines move later
     * (each ACK): it fires, sees the later deadline and sleeps again. A deadline that moved earlier (a round
     * trip measured, a quick resend) would be missed until the old one, so it is scheduled anew.
     */
    static boolean scheduleAnew(boolean pending, long pendingAt, long deadline) {
        return deadline != Step.NO_DEADLINE && (!pending || deadline - pendingAt < 0);
    }

    private void schedule(long now) {
        timerAt = deadline;
        timer = io.schedule(this::onTimer, Math.max(0, deadline - now));
    }

    private void report(Completion completion, long now) {
        if (reported) {
            return;
        }
        reported = true;
        plan.settings().admission().release(record.peer().getAddress());
        FileSource source = plan.source();
        if (source != null) {
            source.close();
        }
        Duration elapsed = Duration.ofNanos(now - startedNanos);
        long bytes = session.bytes();
        if (record.direction() == TransferDirection.READ && session instanceof BlockSender s
                && completion.outcome() == TransferOutcome.COMPLETED) {
            bytes = s.size();
        }
        Path savedAs = completion.outcome() == TransferOutcome.COMPLETED && session instanceof BlockReceiver r
                ? r.savedAs().map(Path::of).orElse(null) : null;
        listener.finished(new TransferFinished(clock.now(), record.id(), record.peer(), record.direction(), record.file(),
                record.mode(), record.options(), bytes, elapsed, session.retransmits(), completion.outcome(),
                completion.detail(), "tftp", savedAs));
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        io.close();
        listener.closed(this);
    }

    /** On the channel's event loop: the {@link TransferSender} sends, the loop runs the timer. */
    private record OnLoop(Channel channel, TransferSender sender, boolean ownsChannel) implements Io {
        @Override
        public boolean send(List<Outgoing> sends, boolean more) {
            return sender.send(sends, more);
        }

        @Override
        public void replied(long now) {
            sender.replied(now);
        }

        @Override
        public Future<?> schedule(Runnable task, long delayNanos) {
            return channel.eventLoop().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public Future<?> submit(Runnable task) {
            return channel.eventLoop().submit(task);
        }

        @Override
        public void close() {
            sender.close();
            if (ownsChannel) {
                channel.close();
            }
        }
    }
}
