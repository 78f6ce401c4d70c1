package org.sparetire.syslog.transport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.net.Cidr;
import org.sparetire.core.time.Clock;
import org.sparetire.syslog.SyslogConfig;
import org.sparetire.syslog.SyslogConfig.DeviceFiles;
import org.sparetire.syslog.pipeline.DatagramQueues;
import org.sparetire.syslog.pipeline.Intake;
import org.sparetire.syslog.pipeline.StoreWriter;
import org.sparetire.syslog.policy.RotationPolicy;
import org.sparetire.syslog.store.DropBehind;
import org.sparetire.syslog.store.LogStore;
import org.sparetire.syslog.store.RecentMessages;
import org.sparetire.syslog.store.SyslogCounters;

/**
 * The collector behind a transport handler, without sockets: intake, queues and a writer filing into a
 * temporary folder, the writer's thread started only by a test that wants what it files.
 */
final class Pipeline implements AutoCloseable {
    static final String ALLOWED = "192.0.2.0/24";

    final SyslogCounters counters = new SyslogCounters();
    final EventBus bus = new EventBus();
    final DatagramQueues udpQueues = new DatagramQueues(100_000);
    final StoreWriter writer;
    final Intake intake;

    /** Messages up to 480 bytes; senders from {@link #ALLOWED} only. */
    Pipeline(Path dir) throws java.io.IOException {
        LogStore store = new LogStore(dir, DeviceFiles.ADDRESS, true, new RotationPolicy(0, Duration.ZERO, 1),
                Clock.system(), LogStore.FILES, DropBehind.forLogFiles(), new LogStore.Trouble() {
                    public void writeFailed(Path f, java.io.IOException e) { }
                    public void writeRecovered(Path f) { }
                }, counters);
        writer = new StoreWriter(100_000, store, " [cut]", counters, bus, new RecentMessages(3, 10), udpQueues, null);
        SyslogConfig d = SyslogConfig.defaults();
        intake = new Intake(new SyslogConfig(true, d.bind(), d.udp(), d.tcp(), List.of(Cidr.parse(ALLOWED)),
                d.rateLimit(), 480, " [cut]", dir, d.files(), 1024, 3, List.of()), Clock.system(), counters, writer,
                udpQueues);
    }

    @Override
    public void close() {
        writer.stop(Duration.ofSeconds(5));
    }
}
