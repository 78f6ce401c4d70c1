package org.sparetire.testkit;

import java.util.ArrayList;
import java.util.List;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * BlockHound's settings for every test JVM that has the testkit: a blocking call (sleep, wait, park,
 * file or socket stream I/O) on a Netty event-loop thread is recorded here, and {@link
 * BlockingGuardExtension} fails the test that made it. Netty's own integration, which BlockHound also
 * loads, marks the event-loop threads as non-blocking and allows Netty's internal waits.
 *
 * <p>Recording rather than throwing: a {@link BlockingOperationError} thrown inside a handler may be
 * swallowed by the pipeline, while a recorded violation always reaches the test.
 */
public final class BlockingGuard implements BlockHoundIntegration {
    private static final List<String> VIOLATIONS = new ArrayList<>();

    @Override
    public void applyTo(BlockHound.Builder builder) {
        // offer() never waits for space: it holds the queue's lock only to link one element, never across
        // I/O (the log's hand-off to its writer thread, the lease journal's and the syslog writer's queues).
        builder.allowBlockingCallsInside("java.util.concurrent.ArrayBlockingQueue", "offer");
        builder.allowBlockingCallsInside("java.util.concurrent.LinkedBlockingQueue", "offer");
        // The modules' test logback configs write to the console synchronously, so lines keep their order
        // beside the test's own output; the shipped config (app) hands lines to an AsyncAppender instead.
        builder.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes");
        builder.blockingMethodCallback(method -> record(new BlockingOperationError(method)));
        applied = true;
    }

    private static void record(BlockingOperationError error) {
        StringBuilder sb = new StringBuilder(Thread.currentThread().getName()).append(": ").append(error.getMessage());
        for (StackTraceElement e : error.getStackTrace()) {
            sb.append("\n    at ").append(e);
        }
        synchronized (VIOLATIONS) {
            VIOLATIONS.add(sb.toString());
        }
    }

    /** The violations recorded since the last call, which forgets them. */
    public static List<String> takeViolations() {
        synchronized (VIOLATIONS) {
            List<String> out = List.copyOf(VIOLATIONS);
            VIOLATIONS.clear();
            return out;
        }
    }

    /** True once BlockHound was installed in this JVM with this guard. */
    public static boolean installed() {
        return applied;
    }

    private static volatile boolean applied;
}
