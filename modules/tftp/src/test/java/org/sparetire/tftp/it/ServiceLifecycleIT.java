package org.sparetire.tftp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.lifecycle.ServiceState;
import org.sparetire.testkit.TestServices;
import org.sparetire.tftp.TftpConfigBuilder;
import org.sparetire.tftp.TftpService;
import org.sparetire.tftp.codec.Ack;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.ErrorPacket;
import org.sparetire.tftp.codec.Mode;
import org.sparetire.tftp.codec.ReadRequest;

/** start / reconfigure / stop on real sockets, as the lifecycle manager drives them. */
class ServiceLifecycleIT {
    @TempDir
    Path dir;

    Path tree(String name, String content) throws Exception {
        Path root = Files.createDirectories(dir.resolve(name));
        Files.write(root.resolve("f.bin"), (content.repeat(600)).getBytes());
        return root;
    }

    @Test
    void portInUseIsOneLineAndNothingStaysBound() throws Exception {
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            var context = TestServices.context();
            try {
                TftpService s = new TftpService(TftpConfigBuilder.defaults(tree("a", "a"))
                        .withBind(InetAddress.getByName("127.0.0.1"), squatter.getLocalPort()).build(), context);
                assertThatThrownBy(s::start).isInstanceOf(ServiceStartException.class)
                        .hasMessage("cannot bind 127.0.0.1:" + squatter.getLocalPort()
                                + ": address already in use (another program serves this port: stop it or set tftp.port)");
                assertThat(s.health().state()).isEqualTo(ServiceState.FAILED);
                assertThat(s.health().endpoints()).isEmpty();
            } finally {
                context.net().close();
            }
        }
    }

    @Test
    void freeBindStartsBeforeTheAddressExistsAndWithoutItStartFailsClearly() throws Exception {
        // 192.0.2.77 (TEST-NET-1) is on no interface here; nothing is ever sent to it.
        InetAddress absent = InetAddress.getByName("192.0.2.77");
        var context = TestServices.context();
        try {
            TftpService strict = new TftpService(TftpConfigBuilder.defaults(tree("a", "a")).withBind(absent, 0).build(),
                    context);
            assertThatThrownBy(strict::start).isInstanceOf(ServiceStartException.class)
                    .hasMessageStartingWith("cannot bind 192.0.2.77:0: no interface has this address");
            TftpService early = new TftpService(TftpConfigBuilder.defaults(tree("b", "b")).withBind(absent, 0)
                    .withFreeBind(true).build(), context);
            if (context.net().name().equals("epoll")) {
                early.start();
                assertThat(early.health().endpoints().get(0).address().getAddress()).isEqualTo(absent);
                early.stop(Duration.ZERO);
            } else {
                assertThatThrownBy(early::start).isInstanceOf(ServiceStartException.class);
            }
        } finally {
            context.net().close();
        }
    }

    @Test
    void reconfigureSwapsTheTreeWithoutDroppingATransferOrRebinding() throws Exception {
        Path a = tree("a", "a");
        Path b = tree("b", "b");
        try (RunningServer s = new RunningServer(a, c -> c); RawPeer early = new RawPeer(); RawPeer late = new RawPeer()) {
            int port = s.port();
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
            early.send(new ReadRequest("f.bin", Mode.OCTET), server);
            Data first = (Data) early.receive();
            InetSocketAddress tid = early.lastFrom;
            assertThat(first.bytes()[0]).isEqualTo((byte) 'a');

            s.service.reconfigure(TftpConfigBuilder.defaults(b).withBind(s.config.listen().bind(), 0).build());
            assertThat(s.port()).as("same bind address and port 0: no rebind").isEqualTo(port);

            late.send(new ReadRequest("f.bin", Mode.OCTET), server);
            assertThat(((Data) late.receive()).bytes()[0]).as("new requests see the new tree").isEqualTo((byte) 'b');
            // The early transfer carries on with its own file.
            early.send(new Ack(1), tid);
            Data second = (Data) early.receiveAfter(1);
            assertThat(second.block()).isEqualTo(2);
            assertThat(second.bytes()[0]).isEqualTo((byte) 'a');
        }
    }

    @Test
    void reconfigureToANewPortMovesTheListener() throws Exception {
        Path a = tree("a", "a");
        try (RunningServer s = new RunningServer(a, c -> c); RawPeer p = new RawPeer()) {
            int oldPort = s.port();
            int newPort;
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                newPort = probe.getLocalPort();
            }
            s.service.reconfigure(TftpConfigBuilder.from(s.config).withBind(s.config.listen().bind(), newPort).build());
            assertThat(s.port()).isEqualTo(newPort);
            p.send(new ReadRequest("f.bin", Mode.OCTET), new InetSocketAddress("127.0.0.1", newPort));
            assertThat(p.receive()).isInstanceOf(Data.class);
            p.send(new ReadRequest("f.bin", Mode.OCTET), new InetSocketAddress("127.0.0.1", oldPort));
            assertThat(p.receiveWithin(Duration.ofMillis(300))).as("old port closed").isNull();
        }
    }

    @Test
    void stopLetsATransferFinishWithinGraceThenAbortsTheRest() throws Exception {
        Path a = tree("a", "a");
        try (RunningServer s = new RunningServer(a, c -> c); RawPeer p = new RawPeer()) {
            p.send(new ReadRequest("f.bin", Mode.OCTET), new InetSocketAddress("127.0.0.1", s.port()));
            p.receive();
            long start = System.nanoTime();
            s.service.stop(Duration.ofMillis(300));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(p.receive()).isEqualTo(new ErrorPacket(0, "server shutting down"));
            TransferFinished f = s.events.await(TransferFinished.class, Duration.ofSeconds(2));
            assertThat(f.outcome()).isEqualTo(TransferOutcome.FAILED);
            assertThat(s.service.health().state()).isEqualTo(ServiceState.TERMINATED);
        }
    }
}
