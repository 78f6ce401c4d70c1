package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.core.event.ServiceStateChanged;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.core.lifecycle.ServiceManager;
import org.sparetire.core.lifecycle.ServiceState;
import org.sparetire.core.lifecycle.StartupFailure;
import org.sparetire.testkit.FreedPorts;
import org.sparetire.testkit.TestServices;

/** Two real services, the second cannot bind: the first is stopped again and its port is free. */
class StartupRollbackIT {
    @TempDir
    Path dir;

    @Test
    void tftpCannotBindSoSyslogIsStoppedAndItsPortFreed() throws Exception {
        Files.createDirectories(dir.resolve("tftpboot"));
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int taken = squatter.getLocalPort();
            AppConfig config = Appliance.configLoader().loadText("""
                    web:
                      enabled: false
                    syslog:
                      bind: 127.0.0.1
                      directory: logs
                      udp: {port: 0}
                    tftp:
                      bind: 127.0.0.1
                      port: %d
                      root: tftpboot
                    """.formatted(taken), "it.yaml", dir, ConfigOverrides.none());

            ServiceContext context = TestServices.context();
            AtomicInteger syslogPort = new AtomicInteger();
            try (ServiceManager manager = new ServiceManager(Appliance.slots(new DashboardControl(() -> config)), context)) {
                context.events().subscribe(ServiceStateChanged.class, e -> {
                    if (e.service().equals("syslog") && e.state() == ServiceState.RUNNING) {
                        syslogPort.set(manager.health().get("syslog").port("udp", "syslog"));
                    }
                });
                assertThatThrownBy(() -> manager.start(config))
                        .isInstanceOfSatisfying(StartupFailure.class, f -> assertThat(f.getMessage())
                                .isEqualTo("tftp: cannot bind 127.0.0.1:" + taken
                                        + ": address already in use (another program serves this port: stop it or set tftp.port)"));
                assertThat(syslogPort.get()).as("syslog had started").isPositive();
                assertThat(manager.health().get("syslog").state()).isEqualTo(ServiceState.TERMINATED);
                try (DatagramSocket reuse = FreedPorts.udp(syslogPort.get())) {
                    assertThat(reuse.getLocalPort()).isEqualTo(syslogPort.get());
                }
            } finally {
                context.net().close();
            }
        }
    }
}
