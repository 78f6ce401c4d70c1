package org.sparetire.tftp.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.event.TransferDirection;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.net.Cidr;
import org.sparetire.testkit.ManualClock;
import org.sparetire.tftp.TftpConfig;
import org.sparetire.tftp.codec.Mode;
import org.sparetire.tftp.codec.ReadRequest;
import org.sparetire.tftp.codec.Request;
import org.sparetire.tftp.codec.WriteRequest;
import org.sparetire.tftp.policy.Admission;
import org.sparetire.tftp.policy.ExistingUpload;
import org.sparetire.tftp.policy.SharedFiles;
import org.sparetire.tftp.policy.UploadInbox;
import org.sparetire.tftp.session.BlockReceiver;
import org.sparetire.tftp.session.BlockSender;
import org.sparetire.tftp.session.OptionNegotiation;

/** The request decision without sockets: admission, policy, negotiation and the session, on a manual clock. */
class TransferPlannerTest {
    static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40000);
    static final OptionNegotiation.Limits LIMITS = new OptionNegotiation.Limits(65464, 64, Duration.ofSeconds(1), 5, false);

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock();
    final AtomicLong ids = new AtomicLong();
    final SharedFiles files = new SharedFiles();
    final TransferPlanner planner = new TransferPlanner(clock, ids::incrementAndGet);
    Path root;

    record Running(Request request, boolean isClosed, boolean hasProgressed, boolean ownsChannel)
            implements TransferPlanner.Existing {
    }

    @BeforeEach
    void files() throws Exception {
        root = Files.createDirectories(dir.resolve("root"));
        Files.write(root.resolve("boot.bin"), new byte[3000]);
    }

    @AfterEach
    void noFileLeftOpen() {
        assertThat(files.openFiles()).isZero();
    }

    ServerSettings settings(Admission admission, List<Cidr> noOptionsFor, UploadInbox inbox) {
        return new ServerSettings(TftpConfig.defaults(root).requestPolicy(inbox, files), admission, LIMITS, List.of(),
                noOptionsFor, true, 0, 0, Duration.ofSeconds(1), Duration.ZERO);
    }

    ServerSettings settings(Admission admission) {
        return settings(admission, List.of(), null);
    }

    static TransferPlan planned(TransferPlanner.Decision d) {
        assertThat(d).isInstanceOf(TransferPlanner.Planned.class);
        return ((TransferPlanner.Planned) d).plan();
    }

    static void close(TransferPlan plan) {
        if (plan.source() != null) {
            plan.source().close();
        }
    }

    @Test
    void aGrantedReadIsNegotiatedIntoASender() {
        Admission admission = new Admission(4, 4, 0, 1);
        ReadRequest rrq = new ReadRequest("boot.bin", Mode.OCTET, Map.of("blksize", "1024", "tsize", "0"));
        TransferPlan plan = planned(planner.decide(rrq, PEER, null, settings(admission)));
        assertThat(plan.session()).isInstanceOf(BlockSender.class);
        assertThat(plan.session().parameters().blksize()).isEqualTo(1024);
        assertThat(plan.record().options()).containsEntry("blksize", "1024").containsEntry("tsize", "3000");
        assertThat(plan.record().direction()).isEqualTo(TransferDirection.READ);
        assertThat(plan.record().file()).isEqualTo("boot.bin");
        assertThat(plan.expectedBytes()).isEqualTo(3000);
        assertThat(plan.request()).isEqualTo(rrq);
        assertThat(admission.active()).isEqualTo(1);
        close(plan);
    }

    @Test
    void aRepeatBeforeDataMovedIsLeftToTheRunningTransfer() {
        Admission admission = new Admission(4, 4, 0, 1);
        ReadRequest rrq = new ReadRequest("boot.bin", Mode.OCTET);
        assertThat(planner.decide(rrq, PEER, new Running(rrq, false, false, true), settings(admission)))
                .isInstanceOf(TransferPlanner.Repeated.class);
        assertThat(admission.active()).as("nothing admitted").isZero();
        // Once data has moved, the same request starts a new transfer.
        close(planned(planner.decide(rrq, PEER, new Running(rrq, false, true, true), settings(admission))));
        close(planned(planner.decide(rrq, PEER, new Running(rrq, true, false, true), settings(admission))));
    }

    @Test
    void aClientOverItsRateIsDroppedUntilTimeRefillsIt() {
        Admission admission = new Admission(10, 10, 1, 1);
        ReadRequest rrq = new ReadRequest("boot.bin", Mode.OCTET);
        close(planned(planner.decide(rrq, PEER, null, settings(admission))));
        assertThat(planner.decide(rrq, new InetSocketAddress("127.0.0.1", 40001), null, settings(admission)))
                .isInstanceOf(TransferPlanner.RateLimited.class);
        clock.advance(Duration.ofMillis(999));
        assertThat(planner.decide(rrq, new InetSocketAddress("127.0.0.1", 40002), null, settings(admission)))
                .isInstanceOf(TransferPlanner.RateLimited.class);
        clock.advanceMillis(1);
        close(planned(planner.decide(rrq, new InetSocketAddress("127.0.0.1", 40003), null, settings(admission))));
    }

    @Test
    void overTheTransferLimitIsBusy() {
        Admission admission = new Admission(1, 1, 0, 1);
        ReadRequest rrq = new ReadRequest("boot.bin", Mode.OCTET);
        TransferPlan first = planned(planner.decide(rrq, PEER, null, settings(admission)));
        TransferPlanner.Decision d = planner.decide(rrq, new InetSocketAddress("127.0.0.1", 40001), null,
                settings(admission));
        assertThat(d).isInstanceOf(TransferPlanner.Refused.class);
        TransferPlanner.Refused r = (TransferPlanner.Refused) d;
        assertThat(r.refusal().code()).isZero();
        assertThat(r.refusal().message()).isEqualTo("busy, try again later");
        assertThat(r.outcome().outcome()).isEqualTo(TransferOutcome.REFUSED);
        assertThat(r.outcome().detail()).isEqualTo("busy: transfer limit reached");
        assertThat(r.outcome().at()).isEqualTo(clock.now());
        assertThat(r.supersedes()).isFalse();
        assertThat(admission.active()).isEqualTo(1);
        close(first);
    }

    @Test
    void aPolicyRefusalGivesTheSlotBack() {
        Admission admission = new Admission(4, 4, 0, 1);
        TransferPlanner.Decision d = planner.decide(new ReadRequest("missing.bin", Mode.OCTET), PEER, null,
                settings(admission));
        TransferPlanner.Refused r = (TransferPlanner.Refused) d;
        assertThat(r.refusal().code()).isEqualTo(1);
        assertThat(r.outcome().file()).isEqualTo("missing.bin");
        assertThat(r.outcome().direction()).isEqualTo(TransferDirection.READ);
        assertThat(r.outcome().peer()).isEqualTo(PEER);
        assertThat(admission.active()).isZero();
        TransferPlanner.Refused w = (TransferPlanner.Refused) planner.decide(new WriteRequest("up.cfg", Mode.OCTET),
                PEER, null, settings(admission));
        assertThat(w.refusal().code()).as("uploads are off").isEqualTo(2);
        assertThat(w.outcome().direction()).isEqualTo(TransferDirection.WRITE);
        assertThat(admission.active()).isZero();
        assertThat(w.outcome().transferId()).isNotEqualTo(r.outcome().transferId());
    }

    @Test
    void aNewRequestFromASinglePortTransfersClientPortSupersedesIt() {
        Admission admission = new Admission(4, 4, 0, 1);
        ReadRequest rrq = new ReadRequest("boot.bin", Mode.OCTET);
        ReadRequest other = new ReadRequest("other.bin", Mode.OCTET);
        TransferPlanner.Planned p = (TransferPlanner.Planned) planner.decide(rrq, PEER,
                new Running(other, false, false, false), settings(admission));
        assertThat(p.supersedes()).isTrue();
        close(p.plan());
        TransferPlanner.Refused r = (TransferPlanner.Refused) planner.decide(new ReadRequest("missing", Mode.OCTET), PEER,
                new Running(other, false, false, false), settings(admission));
        assertThat(r.supersedes()).as("even when the new request is refused").isTrue();
        p = (TransferPlanner.Planned) planner.decide(rrq, PEER, new Running(other, false, false, true), settings(admission));
        assertThat(p.supersedes()).as("a transfer on its own socket is told apart by its TID").isFalse();
        close(p.plan());
        p = (TransferPlanner.Planned) planner.decide(rrq, PEER, new Running(other, true, false, false), settings(admission));
        assertThat(p.supersedes()).as("already closed").isFalse();
        close(p.plan());
    }

    @Test
    void clientsWithOptionsOffGetPlainRfc1350() {
        ServerSettings s = settings(new Admission(4, 4, 0, 1), List.of(Cidr.parse("127.0.0.0/8")), null);
        TransferPlan plan = planned(planner.decide(new ReadRequest("boot.bin", Mode.OCTET, Map.of("blksize", "1024")),
                PEER, null, s));
        assertThat(plan.record().options()).isEmpty();
        assertThat(plan.session().parameters().blksize()).isEqualTo(512);
        close(plan);
    }

    @Test
    void aGrantedWriteIsAReceiverWithTheAnnouncedSize() throws Exception {
        UploadInbox inbox = new UploadInbox(dir.resolve("inbox"), ExistingUpload.OVERWRITE, 1000, List.of(), List.of(), 255);
        Admission admission = new Admission(4, 4, 0, 1);
        TransferPlan plan = planned(planner.decide(new WriteRequest("up.cfg", Mode.OCTET, Map.of("tsize", "100")), PEER,
                null, settings(admission, List.of(), inbox)));
        assertThat(plan.session()).isInstanceOf(BlockReceiver.class);
        assertThat(plan.source()).isNull();
        assertThat(plan.expectedBytes()).isEqualTo(100);
        assertThat(plan.record().direction()).isEqualTo(TransferDirection.WRITE);
        assertThat(plan.record().options()).containsEntry("tsize", "100");
        plan.session().abort("test over");
    }
}
