package org.sparetire.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.testkit.PeerProgram;

/**
 * What the app gives the dashboard beyond events, read the way Prometheus reads it (curl on /metrics):
 * pool sizes from the running DHCP service's config and syslog drops from the collector's counters.
 * DHCP is tied to the loopback interface, so nothing leaves this machine.
 */
class DashboardMetricsIT {
    @TempDir
    Path dir;

    @Test
    void poolsAndSyslogDropsReachTheMetrics() throws Exception {
        Path curl = PeerProgram.require("curl", "curl");
        try (DatagramSocket dhcpClientPort = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            AppConfig config = Appliance.configLoader().loadText("""
                    web: {port: 0}
                    tftp: {enabled: false}
                    syslog:
                      bind: 127.0.0.1
                      directory: logs
                      udp: {port: 0}
                      rate-limit: {per-sender: 1, burst: 1}
                    dhcp:
                      enabled: true
                      interfaces: [lo]
                      port: 0
                      client-port: %d
                      rogue-check: {action: off}
                      lease-file: leases
                      subnets:
                        - network: 127.0.0.0/8
                          ranges: [{from: 127.1.0.1, to: 127.1.0.50}]
                    """.formatted(dhcpClientPort.getLocalPort()), "it.yaml", dir, ConfigOverrides.none());
            try (RunningAppliance appliance = EpollAppliance.start(config);
                 DatagramSocket sender = new DatagramSocket()) {
                int syslogPort = appliance.health().get("syslog").port("udp", "syslog");
                for (int i = 0; i < 20; i++) {
                    byte[] line = ("<13>Nov 24 06:00:00 sw1 test: message " + i).getBytes(StandardCharsets.US_ASCII);
                    sender.send(new DatagramPacket(line, line.length, InetAddress.getLoopbackAddress(), syslogPort));
                }
                int webPort = appliance.health().get("web").port("tcp", "http");
                String metrics = "";
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() < deadline) {
                    metrics = PeerProgram.run(Duration.ofSeconds(10), curl.toString(), "-sS", "-f",
                            "http://127.0.0.1:" + webPort + "/metrics").assertSuccess().stdout();
                    if (metrics.matches("(?s).*sparetire_syslog_messages_dropped_total [1-9].*")) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertThat(metrics).contains("sparetire_dhcp_pool_addresses{pool=\"127.1.0.1-127.1.0.50\"} 50");
                assertThat(metrics).contains("sparetire_dhcp_pool_utilisation_ratio{pool=\"127.1.0.1-127.1.0.50\"} 0");
                assertThat(metrics).containsPattern("sparetire_syslog_messages_dropped_total [1-9]");
            }
        }
    }
}
