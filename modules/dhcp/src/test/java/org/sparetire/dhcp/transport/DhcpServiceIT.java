package org.sparetire.dhcp.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.event.LeaseEvent;
import org.sparetire.core.event.LeaseEventKind;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.lifecycle.ServiceState;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.core.query.LeaseQueries;
import org.sparetire.core.time.Clock;
import org.sparetire.dhcp.DhcpConfig;
import org.sparetire.dhcp.DhcpService;
import org.sparetire.dhcp.codec.DhcpCodec;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.lease.LeaseState;
import org.sparetire.dhcp.store.LeaseJournal;
import org.sparetire.dhcp.support.Configs;
import org.sparetire.dhcp.support.Requests;
import org.sparetire.testkit.EventRecorder;

/**
 * The service's lifecycle on real sockets tied to the loopback interface (SO_BINDTODEVICE lo): nothing can
 * leave the host. Clients renew (ciaddr set), so replies are unicast back to the test's socket.
 */
class DhcpServiceIT {
    @TempDir
    Path dir;
    private ServiceContext context;
    private DatagramSocket client;
    private DhcpService service;

    @BeforeEach
    void setUp() throws Exception {
        // DHCP ties each socket to its interface (SO_BINDTODEVICE), which only the epoll transport can do,
        // so these tests run on epoll even in the NIO pass; the NIO refusal has its own test below.
        context = new ServiceContext(new EventBus(), Clock.system(), NetRuntime.create("epoll", 2));
        client = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.1.0.5"), 0));
        client.setSoTimeout(5000);
    }

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.stop(Duration.ofSeconds(1));
        }
        client.close();
        context.net().close();
    }

    String yaml(String extra) {
        return """
                dhcp:
                  enabled: true
                  interfaces: [lo]
                  port: 0
                  client-port: %d
                  rogue-check: {action: off}
                  lease-file: %s
                  subnets:
                    - network: 127.0.0.0/8
                      ranges: [{from: 127.1.0.1, to: 127.1.0.50}]
                      lease-time: %s
                """.formatted(client.getLocalPort(), dir.resolve("leases"), extra);
    }

    DhcpMessage renew(int port, String mac) throws Exception {
        byte[] req = DhcpCodec.encode(Requests.of(MessageType.REQUEST).mac(mac).ciaddr("127.1.0.5").build());
        client.send(new DatagramPacket(req, req.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
        byte[] buf = new byte[1500];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        client.receive(p);
        return DhcpCodec.decode(buf, 0, p.getLength());
    }

    @Test
    void servesOnPortZeroReportsItAndJournalsBeforeAcking() throws Exception {
        service = new DhcpService(Configs.load(yaml("10m")), context);
        try (EventRecorder events = new EventRecorder(context.events())) {
            service.start();
            ServiceHealth h = service.health();
            assertThat(h.state()).isEqualTo(ServiceState.RUNNING);
            int port = h.port("udp", "dhcp");
            assertThat(port).isPositive();
            assertThat(h.endpoints().get(0).address().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
            DhcpMessage ack = renew(port, "52:54:00:00:00:01");
            assertThat(ack.type()).contains(MessageType.ACK);
            assertThat(ack.yiaddr().getHostAddress()).isEqualTo("127.1.0.5");
            // The ACK arrived, so the lease is already on disk.
            assertThat(LeaseJournal.read(dir.resolve("leases")).leases()).anySatisfy(l -> {
                assertThat(l.mac()).isEqualTo("52:54:00:00:00:01");
                assertThat(l.address().getHostAddress()).isEqualTo("127.1.0.5");
            });
            LeaseEvent e = events.await(LeaseEvent.class, x -> x.kind() == LeaseEventKind.ACKED, Duration.ofSeconds(5));
            assertThat(e.mac()).isEqualTo("52:54:00:00:00:01");
            assertThat(service.health().detail()).contains("acks=1");

            // The published snapshot counts the lease before its ACK left.
            assertThat(service.pools().get(5, TimeUnit.SECONDS).held()).containsExactly(1);
            // The same fill through the query port the dashboard asks: the range, its size, what is held.
            LeaseQueries queries = service.query(LeaseQueries.class).orElseThrow();
            assertThat(queries.pools().get(5, TimeUnit.SECONDS))
                    .containsExactly(new LeaseQueries.PoolFill("127.1.0.1-127.1.0.50", 50, 1));

            // The dashboard's release: journalled and announced like a client's DHCPRELEASE. A MAC without
            // a lease is a plain "no" (an error would fail the future instead).
            assertThat(queries.release("52:54:00:00:00:02").get(5, TimeUnit.SECONDS)).isFalse();
            assertThat(queries.release("52:54:00:00:00:01").get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(service.leases().get(5, TimeUnit.SECONDS)).singleElement().satisfies(l -> {
                assertThat(l.mac()).isEqualTo("52:54:00:00:00:01");
                assertThat(l.address().getHostAddress()).isEqualTo("127.1.0.5");
                assertThat(l.state()).isEqualTo(LeaseState.RELEASED);
            });
            assertThat(LeaseJournal.read(dir.resolve("leases")).leases()).singleElement()
                    .satisfies(l -> assertThat(l.state()).isEqualTo(LeaseState.RELEASED));
            assertThat(service.pools().get(5, TimeUnit.SECONDS).held()).containsExactly(0);
            events.await(LeaseEvent.class, x -> x.kind() == LeaseEventKind.RELEASED, Duration.ofSeconds(5));
        }
    }

    @Test
    void reconfigureAppliesInPlaceAndRebindsOnlyWhenThePortChanges() throws Exception {
        service = new DhcpService(Configs.load(yaml("10m")), context);
        service.start();
        int port = service.health().port("udp", "dhcp");
        assertThat(renew(port, "52:54:00:00:00:02").type()).contains(MessageType.ACK);

        service.reconfigure(Configs.load(yaml("2h")));
        assertThat(service.health().port("udp", "dhcp")).as("same socket, not rebound").isEqualTo(port);
        assertThat(service.leases().get(5, TimeUnit.SECONDS))
                .anySatisfy(l -> assertThat(l.mac()).isEqualTo("52:54:00:00:00:02"));
        DhcpMessage ack = renew(port, "52:54:00:00:00:02");
        assertThat(ack.option(51).orElseThrow().hex()).isEqualTo("00001c20"); // the new lease time

        int fixed;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            fixed = probe.getLocalPort();
        }
        service.reconfigure(Configs.load(yaml("2h").replace("port: 0", "port: " + fixed)));
        assertThat(service.health().port("udp", "dhcp")).isEqualTo(fixed);
        assertThat(renew(fixed, "52:54:00:00:00:02").type()).contains(MessageType.ACK);
    }

    @Test
    void aFailedStartSaysWhyInOneLineAndLeavesNothingBound() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        DhcpConfig missing = Configs.load(yaml("10m").replace("[lo]", "[lo, nosuch0]"));
        service = new DhcpService(missing, context);
        assertThatThrownBy(service::start).isInstanceOf(ServiceStartException.class)
                .hasMessage("interface nosuch0 does not exist (dhcp.interfaces)");
        assertThat(service.health().state()).isEqualTo(ServiceState.FAILED);
        assertThat(service.health().endpoints()).isEmpty();

        try (DatagramSocket squatter = new DatagramSocket(port)) {
            DhcpService busy = new DhcpService(Configs.load(yaml("10m").replace("port: 0", "port: " + port)), context);
            assertThatThrownBy(busy::start).isInstanceOf(ServiceStartException.class)
                    .hasMessageContaining("cannot bind 0.0.0.0:" + port + ": address already in use")
                    .hasMessageContaining("dhcp.port").hasMessageEndingWith("on lo");
            assertThat(busy.health().endpoints()).isEmpty();
        }
        Path blocked = Files.writeString(dir.resolve("not-a-dir"), "x");
        DhcpService noJournal = new DhcpService(Configs.load(yaml("10m").replace(dir.resolve("leases").toString(),
                blocked.resolve("leases").toString())), context);
        assertThatThrownBy(noJournal::start).hasMessageContaining("cannot open lease file")
                .hasMessageContaining("dhcp.lease-file");
    }

    @Test
    void withoutEpollItRefusesInsteadOfAnsweringOnEveryInterface() throws Exception {
        NetRuntime nio = NetRuntime.create("nio", 1);
        try {
            DhcpService s = new DhcpService(Configs.load(yaml("10m")), new ServiceContext(new EventBus(), Clock.system(), nio));
            assertThatThrownBy(s::start).hasMessageContaining("cannot serve lo on the NIO transport")
                    .hasMessageContaining("SO_BINDTODEVICE");
        } finally {
            nio.close();
        }
    }

    @Test
    void stopIsIdempotentAndReleasesTheSocket() throws Exception {
        service = new DhcpService(Configs.load(yaml("10m")), context);
        service.start();
        int port = service.health().port("udp", "dhcp");
        service.stop(Duration.ofSeconds(1));
        service.stop(Duration.ofSeconds(1));
        assertThat(service.health().state()).isEqualTo(ServiceState.TERMINATED);
        assertThat(service.health().endpoints()).isEmpty();
        try (DatagramSocket again = new DatagramSocket(port)) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void disabledBindsNothing() throws Exception {
        service = new DhcpService(DhcpConfig.disabled(), context);
        service.start();
        assertThat(service.health().endpoints()).isEmpty();
        assertThat(service.health().detail()).contains("disabled");
    }

    @Test
    void periodicCompactionKeepsOneLinePerClientAndLosesNothing() throws Exception {
        service = new DhcpService(Configs.load(yaml("10m").replace("rogue-check: {action: off}",
                "rogue-check: {action: off}\n  compact-every: 1s")), context);
        service.start();
        int port = service.health().port("udp", "dhcp");
        for (int i = 0; i < 15; i++) {
            assertThat(renew(port, "52:54:00:00:01:01").type()).contains(MessageType.ACK);
        }
        Path file = dir.resolve("leases");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (bound(file) > 1 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(bound(file)).isEqualTo(1);
        // The journal still takes appends after the swap, and a restart sees the lease.
        assertThat(renew(port, "52:54:00:00:01:01").type()).contains(MessageType.ACK);
        assertThat(bound(file)).isEqualTo(2);
        service.stop(Duration.ofSeconds(1));
        service = new DhcpService(Configs.load(yaml("10m")), context);
        service.start();
        assertThat(service.leases().get(5, TimeUnit.SECONDS)).singleElement().satisfies(l -> {
            assertThat(l.mac()).isEqualTo("52:54:00:00:01:01");
            assertThat(l.address().getHostAddress()).isEqualTo("127.1.0.5");
        });
    }

    private static long bound(Path file) throws java.io.IOException {
        return Files.readAllLines(file).stream().filter(l -> l.startsWith("bound")).count();
    }
}
