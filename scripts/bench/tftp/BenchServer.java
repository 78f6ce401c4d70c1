import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.core.time.Clock;
import org.sparetire.tftp.TftpConfig;
import org.sparetire.tftp.TftpService;
import org.sparetire.tftp.policy.ExistingUpload;

/**
 * Runs the sparetire TFTP service alone for the benchmark: BenchServer ROOT ADDRESS PORT INBOX.
 * Same service class the appliance runs; big blocks and uploads allowed, limits raised for 200 clients.
 * Prints "ready" when bound; stops on SIGTERM. {@code -DreplyPollNanos=0} turns polling for replies off
 * (bench.py passes it with EXTRA_JVM_OPTIONS), to measure what it brings.
 */
public final class BenchServer {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        TftpConfig d = TftpConfig.defaults(root);
        TftpConfig.Transfers t = d.transfers();
        TftpConfig config = new TftpConfig(true,
                new TftpConfig.Listen(InetAddress.getByName(args[1]), Integer.parseInt(args[2]), false, false,
                        TftpConfig.PortRange.ANY),
                root, false, d.names(),
                new TftpConfig.Transfers(65464, t.blksizeCaps(), t.noOptionsFor(), 64, t.timeout(), t.retries(),
                        t.rollover(), Duration.ofNanos(Long.getLong("replyPollNanos", TftpConfig.DEFAULT_REPLY_POLL.toNanos()))),
                d.access(), new TftpConfig.Limits(1000, 1000, 0, 1000),
                new TftpConfig.Uploads(true, Path.of(args[3]), ExistingUpload.OVERWRITE, 1L << 32, List.of(), List.of()));
        NetRuntime net = NetRuntime.create("auto", 0);
        TftpService service = new TftpService(config, new ServiceContext(new EventBus(), Clock.system(), net));
        service.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.stop(Duration.ofMillis(100));
            net.close();
        }));
        System.out.println("ready " + service.health().endpoints() + " transport=" + net.name());
        System.out.flush();
        Thread.currentThread().join();
    }
}
