package org.sparetire.syslog.store;

/**
 * The writer's thread priority as its backlog grows and shrinks. Normally the writer runs below the event
 * loops: a collector short of CPU then lets its queue grow, and every datagram the kernel would have dropped
 * unseen is read and filed later. Once the queue is half full the shortage is no burst but lasting, and
 * reading datagrams only to drop them at a full queue wastes the CPU that filing needs: the writer then takes
 * an even share until the queue is nearly empty again.
 *
 * <p>Measured at 40 % of a core, 5 runs of 2 s per rate (docs/benchmarks.md): with the writer at nice 4
 * throughout, 325k msgs/s was loss-free in 1 of 5 runs; at nice 10 throughout, 350k was loss-free in 2 of 5,
 * but the runs that stayed short lost 42-45 %, mostly at a full queue; at nice 10, raised to 0 at half full,
 * 325k was loss-free in 3 of 5 runs and the queue never filled.
 */
final class WriterPriority {
    static final double RAISE_AT = 0.5;
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
