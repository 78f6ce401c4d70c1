package org.sparetire.dhcp.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.sparetire.core.config.ConfigLoader;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.event.LeaseEvent;
import org.sparetire.core.event.ServiceWarning;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.core.time.Clock;
import org.sparetire.dhcp.DhcpConfig;
import org.sparetire.dhcp.DhcpService;

/**
 * Runs the real DhcpService in a child JVM, so tests can put it inside a network namespace they created
 * ({@code ip netns exec NS java ...}) and kill it with SIGKILL. Writes "READY port proxyPort" (or "FAILED
 * reason") to the status file, prints one EVENT/WARNING line per event, answers "leases TAG" on stdin with
 * what {@link DhcpService#leases()} holds, and stops when stdin closes.
 */
public final class ServerMain {
    private ServerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path config = Path.of(args[0]);
        Path status = Path.of(args[1]);
        DhcpConfig c = new ConfigLoader(List.of(DhcpConfig.SECTION)).load(config, ConfigOverrides.none())
                .section(DhcpConfig.SECTION);
        EventBus bus = new EventBus();
        if (Boolean.parseBoolean(System.getProperty("sparetire.dhcp.events", "true"))) {
            bus.subscribe(LeaseEvent.class, e -> System.out.println("EVENT " + e.kind() + " mac=" + e.mac() + " ip="
                + (e.address() == null ? "-" : e.address().getHostAddress()) + " class=" + e.matchedClass()
                + " file=" + e.bootFile() + " arch=" + e.architecture() + " uc=" + e.userClass() + " vc=" + e.vendorClass()));
        }
        bus.subscribe(ServiceWarning.class, e -> System.out.println("WARNING " + e.message()));
        NetRuntime net = NetRuntime.create("epoll", 1);
        DhcpService service = new DhcpService(c, new ServiceContext(bus, Clock.system(), net));
        try {
            service.start();
        } catch (ServiceStartException e) {
            write(status, "FAILED " + e.getMessage());
            System.out.flush();
            net.close();
            System.exit(3);
        }
        var health = service.health();
        int port = health.endpoints().stream().filter(e -> e.role().equals("dhcp")).findFirst()
                .map(e -> e.address().getPort()).orElse(-1);
        int proxy = health.endpoints().stream().filter(e -> e.role().equals("proxy-dhcp")).findFirst()
                .map(e -> e.address().getPort()).orElse(-1);
        write(status, "READY " + port + " " + proxy);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) { // stdin closing is the stop signal
                if (line.startsWith("leases ")) {
                    // What the dashboard is shown: "LEASE tag mac ip state" lines, then "LEASES-DONE tag".
                    String tag = line.substring(7).strip();
                    for (var l : service.leases().get(10, java.util.concurrent.TimeUnit.SECONDS)) {
                        System.out.println("LEASE " + tag + " " + l.mac() + " " + l.address().getHostAddress() + " "
                                + l.state().name().toLowerCase(java.util.Locale.ROOT));
                    }
                    System.out.println("LEASES-DONE " + tag);
                }
            }
        }
        service.stop(Duration.ofSeconds(2));
        net.close();
    }

    private static void write(Path status, String line) throws Exception {
        Path tmp = status.resolveSibling(status.getFileName() + ".tmp");
        Files.writeString(tmp, line + "\n");
        Files.move(tmp, status, StandardCopyOption.ATOMIC_MOVE);
    }
}
