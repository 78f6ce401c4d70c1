package org.sparetire.syslog.pipeline;

/**
 * The writer's thread priority as its backlog grows and shrinks. Normally the writer runs below the event
 * loops: a collector short of CPU then lets its queue grow, and every datagram the kernel would have dropped
 * unseen is read and filed later. Once the queue is 80 % full the shortage is no burst but lasting, and
 * reading datagrams only to drop them at a full queue wastes the CPU that filing needs: the writer then takes
 * an even share until the queue is nearly empty again. The raise comes after a pass of up to 4,096 datagrams,
 * which a starved writer may take 50 ms to file while a flood adds a tenth of the queue: the last fifth is that
 * margin (at 85 % a 6 s flood at 450k msgs/s met a full queue 512 times, at 75 % and 50 % never).
 *
 * <p>Measured at 40 % of a core, 5 runs of 2 s per rate (docs/benchmarks.md): with the writer at nice 4
 * throughout, 325k msgs/s was loss-free in 1 of 5 runs; at nice 10 throughout, 350k was loss-free in 2 of 5,
 * but the runs that stayed short lost 42-45 %, mostly at a full queue; at nice 10, raised to 0 at half full,
 * 325k was loss-free in 3 of 5 runs and the queue never filled. Raised at half full, the writer took its even
 * share while a 2 s burst was still one the queue could hold, and the event loop's half was too little to keep
 * up with the socket: with the collector alone, 2 s bursts at 325k on 40 % of a core were loss-free in 3 of 12
 * runs, against 8 of 12 when raised at 85 % and 3 of 6 at 75 %; at 150k on a fifth of a core, 2 of 6 against 4
 * of 6 at 85 %. Side by side with rsyslog at 80 %, 350k on 40 % was loss-free in 7 of 10 runs.
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
