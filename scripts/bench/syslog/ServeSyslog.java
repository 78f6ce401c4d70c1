import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.sparetire.core.config.ConfigLoader;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.core.time.Clock;
import org.sparetire.syslog.SyslogConfig;
import org.sparetire.syslog.SyslogService;

/**
 * Runs only the syslog collector from a YAML file, for the benchmark (the app wires all three services;
 * this keeps TFTP and DHCP out of the measurement). Stops, flushing everything, on SIGTERM.
 *   java -cp CLASSPATH ServeSyslog.java config.yaml
 */
public class ServeSyslog {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]).toAbsolutePath();
        SyslogConfig config = new ConfigLoader(List.of(SyslogConfig.SECTION))
                .loadText(Files.readString(file), file.toString(), file.getParent(), ConfigOverrides.none())
                .section(SyslogConfig.SECTION);
        NetRuntime net = NetRuntime.create("auto", 0);
        SyslogService service = new SyslogService(config, new ServiceContext(new EventBus(), Clock.system(), net));
        service.start();
        System.out.println("READY " + service.health().endpoints() + " transport=" + net.name());
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.stop(Duration.ofSeconds(30));
            System.out.println("STOPPED " + service.health().detail());
            net.close();
            done.countDown();
        }));
        done.await();
    }
}
