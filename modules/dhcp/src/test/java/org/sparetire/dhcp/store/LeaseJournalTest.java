package org.sparetire.dhcp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sparetire.dhcp.support.Requests.ip;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.dhcp.lease.Lease;
import org.sparetire.dhcp.lease.LeaseState;

class LeaseJournalTest {
    static final Instant T = Instant.parse("2026-11-24T05:00:00Z");
    @TempDir
    Path dir;

    static Lease lease(int n, LeaseState state) {
        return new Lease("hw:01:5254000000" + String.format("%02x", n), String.format("52:54:00:00:00:%02x", n),
                ip("10.0.0." + (100 + n)), state, T.plusSeconds(3600), n % 2 == 0 ? "host" + n : null);
    }

    @Test
    void linesAreHumanReadableAndRoundTrip() {
        Lease l = lease(2, LeaseState.BOUND);
        String line = LeaseLine.format(l);
        assertThat(line).isEqualTo("bound 10.0.0.102 until=2026-11-24T06:00:00Z mac=52:54:00:00:00:02 "
                + "client=hw:01:525400000002 host=host2\n");
        assertThat(LeaseLine.parse(line)).contains(l);
        assertThat(LeaseLine.parse("bound 10.0.0.300 until=x client=y")).isEmpty();
        assertThat(LeaseLine.parse("# comment")).isEmpty();
    }

    @Test
    void appendedLeasesAreOnDiskWhenTheFutureCompletesAndTheLatestLineWins() throws Exception {
        Path file = dir.resolve("sub/leases");
        try (LeaseJournal j = LeaseJournal.open(file)) {
            j.append(List.of(lease(1, LeaseState.BOUND), lease(2, LeaseState.BOUND))).get(5, TimeUnit.SECONDS);
            j.append(List.of(lease(1, LeaseState.RELEASED))).get(5, TimeUnit.SECONDS);
            // Read by another reader right after the future: the lines are there.
            assertThat(Files.readString(file)).contains("released 10.0.0.101");
        }
        LeaseJournal.Loaded loaded = LeaseJournal.read(file);
        assertThat(loaded.leases()).containsExactlyInAnyOrder(lease(2, LeaseState.BOUND), lease(1, LeaseState.RELEASED));
        assertThat(loaded.badLines()).isZero();
    }

    @Test
    void appendsQueuedWhileTheWriterIsBusyShareOneFsync() throws Exception {
        try (LeaseJournal j = LeaseJournal.open(dir.resolve("leases"))) {
            // Hold the writer in a completion callback, where a slow fsync would keep it, while 2000 appends
            // queue up. A callback attached to a future that is already complete runs here instead: try again.
            Thread test = Thread.currentThread();
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> holding = CompletableFuture.completedFuture(null);
            for (int attempt = 0; attempt < 100 && holding.isDone(); attempt++) {
                holding = j.append(List.of(lease(150, LeaseState.BOUND))).thenRun(() -> {
                    if (Thread.currentThread() != test) {
                        held.countDown();
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
            }
            try {
                assertThat(held.await(5, TimeUnit.SECONDS)).as("the writer runs the callback").isTrue();
                long fsyncsBefore = j.fsyncs();
                long linesBefore = j.linesWritten();
                List<CompletableFuture<Void>> all = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    all.add(j.append(List.of(lease(i % 150, LeaseState.BOUND))));
                }
                release.countDown();
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                assertThat(j.linesWritten() - linesBefore).isEqualTo(2000);
                assertThat(j.fsyncs() - fsyncsBefore).isEqualTo(1);
            } finally {
                release.countDown();
            }
        }
    }

    @Test
    void aTornLastLineIsDroppedAndTheFileStaysUsable() throws Exception {
        Path file = dir.resolve("leases");
        try (LeaseJournal j = LeaseJournal.open(file)) {
            j.append(List.of(lease(1, LeaseState.BOUND))).get(5, TimeUnit.SECONDS);
        }
        Files.writeString(file, "bound 10.0.0.102 until=2026-11-24T06:0", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertThat(LeaseJournal.read(file).tornTail()).isTrue();
        try (LeaseJournal j = LeaseJournal.open(file)) {
            assertThat(j.loaded().leases()).containsExactly(lease(1, LeaseState.BOUND));
            j.append(List.of(lease(3, LeaseState.BOUND))).get(5, TimeUnit.SECONDS);
        }
        LeaseJournal.Loaded after = LeaseJournal.read(file);
        assertThat(after.tornTail()).isFalse();
        assertThat(after.badLines()).isZero();
        assertThat(after.leases()).containsExactly(lease(1, LeaseState.BOUND), lease(3, LeaseState.BOUND));
    }

    @Test
    void compactionKeepsOnlyTheLiveSetAndLaterAppendsFollowIt() throws Exception {
        Path file = dir.resolve("leases");
        try (LeaseJournal j = LeaseJournal.open(file)) {
            CompletableFuture<Void> last = null;
            for (int i = 0; i < 50; i++) {
                last = j.append(List.of(lease(1, LeaseState.BOUND)));
            }
            last.get(5, TimeUnit.SECONDS);
            j.compact(List.of(lease(1, LeaseState.BOUND))).get(5, TimeUnit.SECONDS);
            j.append(List.of(lease(4, LeaseState.DECLINED))).get(5, TimeUnit.SECONDS);
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("# sparetire dhcp lease journal");
        assertThat(LeaseJournal.read(file).leases()).containsExactly(lease(1, LeaseState.BOUND), lease(4, LeaseState.DECLINED));
        assertThat(Files.exists(dir.resolve("leases.compact"))).isFalse();
    }

    @Test
    void afterCloseAppendsFailInsteadOfPretending() throws Exception {
        LeaseJournal j = LeaseJournal.open(dir.resolve("leases"));
        j.close(Duration.ofSeconds(1));
        assertThat(j.append(List.of(lease(1, LeaseState.BOUND)))).isCompletedExceptionally();
    }

    @Test
    void linesWrittenAfterTheCompactionSnapshotAreCarriedIntoTheNewFile() throws Exception {
        Path file = dir.resolve("leases");
        try (LeaseJournal j = LeaseJournal.open(file)) {
            j.writeNow(List.of(lease(1, LeaseState.BOUND), lease(2, LeaseState.BOUND)));
            // Snapshot taken now; before the writer thread gets to the compaction, another ACK is written.
            CompletableFuture<Void> compacted = j.compact(List.of(lease(1, LeaseState.BOUND), lease(2, LeaseState.BOUND)));
            j.writeNow(List.of(lease(3, LeaseState.BOUND)));
            compacted.get(5, TimeUnit.SECONDS);
            j.writeNow(List.of(lease(4, LeaseState.BOUND)));
        }
        assertThat(LeaseJournal.read(file).leases()).containsExactlyInAnyOrder(lease(1, LeaseState.BOUND),
                lease(2, LeaseState.BOUND), lease(3, LeaseState.BOUND), lease(4, LeaseState.BOUND));
        assertThat(Files.readAllLines(file).stream().filter(l -> l.startsWith("bound"))).hasSizeBetween(4, 5);
    }
}
