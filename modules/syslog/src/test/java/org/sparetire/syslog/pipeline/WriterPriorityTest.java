package org.sparetire.syslog.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sparetire.syslog.pipeline.WriterPriority.LOWER_AT;
import static org.sparetire.syslog.pipeline.WriterPriority.RAISE_AT;

import org.junit.jupiter.api.Test;

class WriterPriorityTest {
    private final WriterPriority priority = new WriterPriority();

    @Test
    void staysLowThroughABurstThatFillsLessThanTheRaiseLevel() {
        assertThat(priority.forFill(0)).isEqualTo(Thread.MIN_PRIORITY);
        assertThat(priority.forFill(RAISE_AT - 0.01)).isEqualTo(Thread.MIN_PRIORITY);
        assertThat(priority.forFill(LOWER_AT)).isEqualTo(Thread.MIN_PRIORITY);
    }

    @Test
    void risesAtTheRaiseLevelAndStaysUpUntilTheQueueIsNearlyEmpty() {
        assertThat(priority.forFill(RAISE_AT)).isEqualTo(Thread.NORM_PRIORITY);
        assertThat(priority.forFill(1.0)).isEqualTo(Thread.NORM_PRIORITY);
        assertThat(priority.forFill(RAISE_AT - 0.01)).as("no flapping around one level").isEqualTo(Thread.NORM_PRIORITY);
        assertThat(priority.forFill(LOWER_AT + 0.01)).isEqualTo(Thread.NORM_PRIORITY);
        assertThat(priority.forFill(LOWER_AT)).isEqualTo(Thread.MIN_PRIORITY);
        assertThat(priority.forFill(RAISE_AT - 0.01)).isEqualTo(Thread.MIN_PRIORITY);
        assertThat(priority.forFill(RAISE_AT + 0.01)).isEqualTo(Thread.NORM_PRIORITY);
    }
}
