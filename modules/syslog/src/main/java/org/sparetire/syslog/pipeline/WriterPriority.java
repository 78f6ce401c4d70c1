package org.sparetire.syslog.pipeline;

/**
 * The writer's thread priority as its backlog grows and shrinks. Normally the writer runs below the event
 * loops, so a collector short of CPU lets its queue grow and files later what the kernel would have dropped
 * unseen; once the queue is 80 % full the shortage is lasting, and the writer takes an even share until the
 * queue is nearly empty again (the last fifth is the margin for a starved writer's pass). Why 80 % and not half
 * full or 85 %: docs/syslog.md, Performance.
 */
final class WriterPriority {
    static final double RAISE_AT = 0.8;
    static final double LOWER_AT = 0.03;
    private boolean raised;

    /** @return the priority for a writer whose fullest queue is {@code fill} full (0 to 1) */
    int forFill(double fill) {
        if (!raised && fill >= RAISE_AT) {
            raised = true;
        } else if (raised && fill <= LOWER_AT) {
            raised = false;
        }
        return raised ? Thread.NORM_PRIORITY : Thread.MIN_PRIORITY;
    }
}
