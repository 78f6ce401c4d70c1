package org.sparetire.syslog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sparetire.syslog.store.DropBehind.KEEP;
import static org.sparetire.syslog.store.DropBehind.STEP;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

class DropBehindTest {
    private static final Path FILE = Path.of("all.log");

    /** Records every call as text; a call named in {@code failing} returns false. */
    static final class RecordingKernel implements DropBehind.Kernel {
        final List<String> calls = new ArrayList<>();
        String failing = "";
        int nextFd = 7;

        @Override
        public int open(Path file) {
            calls.add("open " + file);
            return nextFd;
        }

        @Override
        public boolean startWriteback(int fd, long offset, long length) {
            return call("write", fd, offset, length);
        }

        @Override
        public boolean finishWriteback(int fd, long offset, long length) {
            return call("finish", fd, offset, length);
        }

        @Override
        public boolean evict(int fd, long offset, long length) {
            return call("evict", fd, offset, length);
        }

        @Override
        public void close(int fd) {
            calls.add("close " + fd);
        }

        private boolean call(String name, int fd, long offset, long length) {
            calls.add(name + " " + fd + " " + offset + "+" + length);
            return !failing.equals(name);
        }
    }

    private final RecordingKernel kernel = new RecordingKernel();
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private final DropBehind inline = new DropBehind(() -> kernel, Runnable::run);

    @Test
    void lessThanAStepOfGrowthCallsNothingButOpen() {
        DropBehind.Tracked t = inline.track(FILE, 0);
        t.grew(STEP - 1);

        assertThat(kernel.calls).containsExactly("open all.log");
    }

    @Test
    void everyStepStartsWritebackAndRangesOlderThanKeepAreWaitedForThenEvicted() {
        DropBehind.Tracked t = inline.track(FILE, 0);
        for (long size = STEP; size <= KEEP + 2 * STEP; size += STEP) {
            t.grew(size);
        }

        assertThat(kernel.calls).containsExactly(
                "open all.log",
                "write 7 0+" + STEP,
                "write 7 " + STEP + "+" + STEP,
                "write 7 " + 2 * STEP + "+" + STEP,
                "write 7 " + 3 * STEP + "+" + STEP,
                "write 7 " + 4 * STEP + "+" + STEP,
                "finish 7 0+" + STEP,
                "evict 7 0+" + STEP,
                "write 7 " + 5 * STEP + "+" + STEP,
                "finish 7 " + STEP + "+" + STEP,
                "evict 7 " + STEP + "+" + STEP);
    }

    @Test
    void aFileThatExistedStartsFromItsSizeAndUnevenGrowthIsCoveredWithoutGapsOrOverlaps() {
        long start = 12_345;
        DropBehind.Tracked t = inline.track(FILE, start);
        long[] sizes = {start + 100, start + STEP + 5, start + STEP + 70_000, start + 3 * STEP + 1,
                start + 9 * STEP + 4096, start + 9 * STEP + 8192, start + 15 * STEP};
        for (long s : sizes) {
            t.grew(s);
        }

        long writtenBack = start;
        long evicted = start;
        for (String call : kernel.calls.subList(1, kernel.calls.size())) {
            String[] parts = call.split("[ +]");
            long offset = Long.parseLong(parts[2]);
            long length = Long.parseLong(parts[3]);
            switch (parts[0]) {
                case "write" -> {
                    assertThat(offset).as(call).isEqualTo(writtenBack);
                    assertThat(length).as(call).isGreaterThanOrEqualTo(STEP);
                    writtenBack += length;
                }
                case "finish" -> assertThat(offset).as(call).isEqualTo(evicted);
                case "evict" -> {
                    assertThat(offset).as(call).isEqualTo(evicted);
                    evicted += length;
                    assertThat(evicted).as("keeps the newest bytes cached").isLessThanOrEqualTo(writtenBack - KEEP);
                }
                default -> throw new AssertionError(call);
            }
        }
        assertThat(writtenBack).isEqualTo(start + 15 * STEP);
        assertThat(evicted).isEqualTo(start + 15 * STEP - KEEP);
    }

    @Test
    void aSlowTaskCatchesUpWithEverythingWrittenSinceInOneRun() {
        DropBehind queued = new DropBehind(() -> kernel, tasks::add);
        DropBehind.Tracked t = queued.track(FILE, 0);
        for (long size = STEP; size <= 10 * STEP; size += STEP) {
            t.grew(size);
        }
        assertThat(tasks).hasSize(1);

        tasks.poll().run();

        assertThat(kernel.calls).containsExactly("open all.log", "write 7 0+" + 10 * STEP,
                "finish 7 0+" + (10 * STEP - KEEP), "evict 7 0+" + (10 * STEP - KEEP));
    }

    @Test
    void closingWhileATaskIsQueuedEvictsTheWholeFileThenClosesTheDescriptorOnce() {
        DropBehind queued = new DropBehind(() -> kernel, tasks::add);
        DropBehind.Tracked t = queued.track(FILE, 0);
        t.grew(STEP);
        t.close();
        assertThat(tasks).hasSize(1);

        tasks.poll().run();

        assertThat(kernel.calls).containsExactly("open all.log", "write 7 0+" + STEP,
                "finish 7 0+" + STEP, "evict 7 0+" + STEP, "close 7");
        assertThat(tasks).isEmpty();
    }

    @Test
    void closingAfterTheTaskRanQueuesAnotherThatEvictsTheRestAndCloses() {
        DropBehind queued = new DropBehind(() -> kernel, tasks::add);
        DropBehind.Tracked t = queued.track(FILE, 0);
        t.grew(STEP);
        tasks.poll().run();
        t.close();
        tasks.poll().run();

        assertThat(kernel.calls).containsExactly("open all.log", "write 7 0+" + STEP,
                "finish 7 0+" + STEP, "evict 7 0+" + STEP, "close 7");
    }

    @Test
    void closingAnUntouchedFileOnlyClosesItsDescriptor() {
        DropBehind.Tracked t = inline.track(FILE, 5000);
        t.close();

        assertThat(kernel.calls).containsExactly("open all.log", "close 7");
    }

    @Test
    void aRefusedCallLeavesTheFileAloneButStillClosesItsDescriptor() {
        kernel.failing = "write";
        DropBehind.Tracked t = inline.track(FILE, 0);
        t.grew(STEP);
        t.grew(KEEP + 4 * STEP);
        t.close();

        assertThat(kernel.calls).containsExactly("open all.log", "write 7 0+" + STEP, "close 7");
    }

    @Test
    void aFileThatCannotBeOpenedIsNeverTouchedAgain() {
        kernel.nextFd = -1;
        DropBehind.Tracked t = inline.track(FILE, 0);
        t.grew(KEEP + 4 * STEP);
        t.close();

        assertThat(kernel.calls).containsExactly("open all.log");
    }

    @Test
    void withoutTheKernelCallsNothingHappensAndTheLoaderRunsOnce() {
        int[] loads = {0};
        DropBehind unavailable = new DropBehind(() -> {
            loads[0]++;
            return null;
        }, Runnable::run);
        DropBehind.Tracked a = unavailable.track(FILE, 0);
        DropBehind.Tracked b = unavailable.track(Path.of("192.0.2.1.log"), 0);
        a.grew(KEEP + 4 * STEP);
        b.close();

        assertThat(loads[0]).isEqualTo(1);
        assertThat(kernel.calls).isEmpty();
    }

    @Test
    void aStoreThatClosedStillClosesTheDescriptorsOfFilesClosedLate() throws Exception {
        DropBehind real = DropBehind.forLogFilesWith(() -> kernel);
        DropBehind.Tracked t = real.track(FILE, 0);
        real.close();
        assertThat(real.awaitClosed(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        t.close();

        assertThat(kernel.calls).containsExactly("open all.log", "close 7");
    }
}
