package org.sparetire.syslog;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.event.ServiceWarning;
import org.sparetire.core.event.SyslogReceived;
import org.sparetire.core.lifecycle.AbstractService;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.lifecycle.ServiceState;
import org.sparetire.core.query.LogQueries;
import org.sparetire.syslog.pipeline.DatagramQueues;
import org.sparetire.syslog.pipeline.Intake;
import org.sparetire.syslog.pipeline.StoreWriter;
import org.sparetire.syslog.policy.RotationPolicy;
import org.sparetire.syslog.store.DropBehind;
import org.sparetire.syslog.store.LogStore;
import org.sparetire.syslog.store.RecentMessages;
import org.sparetire.syslog.store.SyslogCounters;
import org.sparetire.syslog.transport.Forwarder;
import org.sparetire.syslog.transport.TcpListener;
import org.sparetire.syslog.transport.UdpListener;

/**
 * The syslog collector: UDP and optional TCP listeners feed one {@link Intake}, which hands parsed
 * messages to one {@link StoreWriter} thread that files them, keeps the recent ring, publishes
 * {@link SyslogReceived} and feeds the {@link Forwarder}s.
 */
public final class SyslogService extends AbstractService<SyslogConfig> implements LogQueries {
    private static final Logger log = LoggerFactory.getLogger(SyslogService.class);
    /** Senders whose recent messages are kept in memory at most. */
    private static final int RECENT_DEVICES = 4096;

    private final ServiceContext context;
    private final SyslogCounters counters = new SyslogCounters();
    private volatile RecentMessages recent;
    private StoreWriter writer;
    private Intake intake;
    private DatagramQueues udpQueues;
    private volatile UdpListener udp;
    private volatile TcpListener tcp;
    private volatile List<Forwarder> forwarders = List.of();

    public SyslogService(SyslogConfig config, ServiceContext context) {
        super(config);
        this.context = Objects.requireNonNull(context);
    }

    @Override
    public String name() {
        return "syslog";
    }

    @Override
    protected void startUp(SyslogConfig config) throws ServiceStartException {
        try {
            recent = new RecentMessages(config.recentPerDevice(), RECENT_DEVICES);
            udpQueues = new DatagramQueues(config.queue());
            writer = newWriter(config, recent, null);
            intake = new Intake(config, context.clock(), counters, writer, udpQueues);
            if (config.enabled()) {
                udp = UdpListener.bind(context.net(), udpAddress(config), config.udp().receiveBuffer(), intake);
                if (config.tcp().enabled()) {
                    tcp = TcpListener.bind(context.net(), tcpAddress(config), config.tcp(), intake, counters);
                }
            }
        } catch (ServiceStartException e) {
            closeListeners();
            if (writer != null) {
                writer.stop(Duration.ZERO);
            }
            throw e;
        }
        forwarders = startForwarders(config.forward());
        writer.forwardTo(this::forward);
        writer.start();
        log.info("syslog {}; filing into {}", describeEndpoints(), config.directory());
    }

    private StoreWriter newWriter(SyslogConfig c, RecentMessages ring, StoreWriter predecessor)
            throws ServiceStartException {
        Path dir = c.directory();
        LogStore store;
        try {
            Files.createDirectories(dir);
            if (!Files.isWritable(dir)) {
                throw new IOException("not writable");
            }
            store = new LogStore(dir, c.files().perDevice(), c.files().combined(),
                    new RotationPolicy(c.files().rotateSize(), c.files().rotateAge(), c.files().keep()),
                    context.clock(), LogStore.FILES, DropBehind.forLogFiles(), new DiskTrouble(), counters);
        } catch (IOException e) {
            throw new ServiceStartException("cannot write to syslog.directory " + dir + ": " + e.getMessage()
                    + " (create it, fix its permissions, or set syslog.directory)", e);
        }
        return new StoreWriter(c.queue(), store, c.truncationMarker(), counters, context.events(), ring, udpQueues,
                predecessor);
    }

    private void forward(org.sparetire.syslog.store.Received r) {
        List<Forwarder> list = forwarders;
        for (Forwarder f : list) {
            f.offer(r);
        }
    }

    private List<Forwarder> startForwarders(List<SyslogConfig.Forward> configs) {
        List<Forwarder> list = new ArrayList<>();
        for (SyslogConfig.Forward f : configs) {
            Forwarder forwarder = new Forwarder(f, counters);
            forwarder.start();
            list.add(forwarder);
        }
        return List.copyOf(list);
    }

    @Override
    protected void apply(SyslogConfig old, SyslogConfig next) throws ServiceStartException {
        // Stage everything that can fail first, so a failure leaves the running service untouched.
        boolean udpMoves = !next.enabled() || !old.enabled() || !udpAddress(old).equals(udpAddress(next));
        boolean tcpWanted = next.enabled() && next.tcp().enabled();
        boolean tcpMoves = tcpWanted != (tcp != null) || tcp != null && !tcpAddress(old).equals(tcpAddress(next));
        boolean storeChanges = !old.directory().equals(next.directory()) || !old.files().equals(next.files())
                || old.queue() != next.queue() || !old.truncationMarker().equals(next.truncationMarker())
                || old.recentPerDevice() != next.recentPerDevice();
        UdpListener newUdp = null;
        TcpListener newTcp = null;
        StoreWriter newWriter = null;
        RecentMessages newRecent = recent;
        try {
            if (storeChanges) {
                if (old.recentPerDevice() != next.recentPerDevice()) {
                    newRecent = new RecentMessages(next.recentPerDevice(), RECENT_DEVICES);
                }
                newWriter = newWriter(next, newRecent, writer);
            }
            if (udpMoves && next.enabled()) {
                newUdp = UdpListener.bind(context.net(), udpAddress(next), next.udp().receiveBuffer(), intake);
            }
            if (tcpMoves && tcpWanted) {
                newTcp = TcpListener.bind(context.net(), tcpAddress(next), next.tcp(), intake, counters);
            }
        } catch (ServiceStartException e) {
            if (newUdp != null) {
                newUdp.close();
            }
            if (newTcp != null) {
                newTcp.close();
            }
            if (newWriter != null) {
                newWriter.stop(Duration.ZERO);
            }
            throw e;
        }
        // Commit. Rules first, so the new sockets never see the old allowlist.
        intake.apply(next);
        if (newWriter != null) {
            newWriter.forwardTo(this::forward);
            StoreWriter previous = writer;
            writer = newWriter;
            recent = newRecent;
            intake.writer(newWriter);
            newWriter.start(); // waits for the previous writer to drain and close before touching files
            previous.stop(grace());
        }
        if (udpMoves) {
            if (udp != null) {
                udp.close();
            }
            udp = newUdp;
        } else if (udp != null && old.udp().receiveBuffer() != next.udp().receiveBuffer()) {
            udp.receiveBuffer(next.udp().receiveBuffer());
        }
        if (tcpMoves) {
            if (tcp != null) {
                tcp.close(); // open connections stay: they are in-flight work
            }
            tcp = newTcp;
        } else if (tcp != null) {
            tcp.limits(next.tcp());
        }
        if (!old.forward().equals(next.forward())) {
            List<Forwarder> previous = forwarders;
            forwarders = startForwarders(next.forward());
            for (Forwarder f : previous) {
                f.stop(grace());
            }
        }
        log.info("syslog reconfigured; {}; filing into {}", describeEndpoints(), next.directory());
    }

    @Override
    protected void shutDown(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        if (tcp != null) {
            tcp.closeConnections();
        }
        closeListeners();
        if (writer != null) {
            writer.stop(remaining(deadline));
        }
        for (Forwarder f : forwarders) {
            f.stop(remaining(deadline));
        }
        log.info("syslog stopped: {}", counters.summary());
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    private void closeListeners() {
        if (udp != null) {
            udp.close();
            udp = null;
        }
        if (tcp != null) {
            tcp.close();
            tcp.closeConnections();
            tcp = null;
        }
    }

    @Override
    public ServiceHealth health() {
        List<ServiceHealth.Endpoint> endpoints = new ArrayList<>();
        UdpListener u = udp;
        TcpListener t = tcp;
        if (u != null) {
            endpoints.add(new ServiceHealth.Endpoint("udp", "syslog", u.localAddress()));
        }
        if (t != null) {
            endpoints.add(new ServiceHealth.Endpoint("tcp", "syslog", t.localAddress()));
        }
        ServiceState state = state();
        String detail = state == ServiceState.FAILED ? failure() : counters.describe()
                + (t != null ? ", " + t.connections() + " TCP connections open" : "");
        return new ServiceHealth(state, endpoints, detail);
    }

    /** The last messages from one device, oldest first, for the dashboard and the device timeline. */
    public List<SyslogReceived> recent(InetAddress device) {
        RecentMessages r = recent;
        return r == null ? List.of() : r.of(device);
    }

    public SyslogCounters counters() {
        return counters;
    }

    @Override
    public long dropped() {
        return counters.rateLimited.sum() + counters.queueFull.sum() + counters.diskLost.sum();
    }

    private String describeEndpoints() {
        if (udp == null && tcp == null) {
            return "not listening (syslog.enabled: false)";
        }
        StringBuilder sb = new StringBuilder("listening");
        if (udp != null) {
            sb.append(" udp ").append(org.sparetire.core.net.Addresses.format(udp.localAddress()));
        }
        if (tcp != null) {
            sb.append(" tcp ").append(org.sparetire.core.net.Addresses.format(tcp.localAddress()));
        }
        return sb.toString();
    }

    private static InetSocketAddress udpAddress(SyslogConfig c) {
        return new InetSocketAddress(c.bind(), c.udp().port());
    }

    private static InetSocketAddress tcpAddress(SyslogConfig c) {
        return new InetSocketAddress(c.bind(), c.tcp().port());
    }

    /** A full disk is told once, in the log and on the bus, and once more when writing works again. */
    private final class DiskTrouble implements LogStore.Trouble {
        @Override
        public void writeFailed(Path file, IOException cause) {
            String msg = "cannot write " + file + ": " + cause.getMessage()
                    + "; still receiving, lost lines are counted (disk-lost)";
            log.error("syslog {}", msg);
            context.events().publish(new ServiceWarning(context.clock().now(), "syslog", msg));
        }

        @Override
        public void writeRecovered(Path file) {
            log.info("syslog writing to {} again; {} lines were lost meanwhile", file, counters.diskLost.sum());
        }
    }
}
