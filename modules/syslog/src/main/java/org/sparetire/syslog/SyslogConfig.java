package org.sparetire.syslog;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sparetire.core.config.ConfigMapping;
import org.sparetire.core.config.SectionKey;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.Cidr;

/**
 * The {@code syslog:} section. Records of records with value equality, so the lifecycle manager can tell
 * whether a reload changed anything and the service can tell which sockets must be rebound.
 *
 * @param bind            address for both listeners; {@code ::} listens on IPv6 and IPv4
 * @param allow           sender networks allowed to log; empty allows everyone
 * @param maxMessage      longer datagrams and LF frames are cut here and marked with {@code truncationMarker}
 * @param queue           messages between the receive threads and the writer; beyond it messages are counted
 *                        as dropped, because blocking the event loop would lose more
 * @param recentPerDevice size of the in-memory ring per device for the dashboard
 */
public record SyslogConfig(boolean enabled, InetAddress bind, Udp udp, Tcp tcp, List<Cidr> allow, RateLimit rateLimit,
                           int maxMessage, String truncationMarker, Path directory, Files files, int queue,
                           int recentPerDevice, List<Forward> forward) {

    public static final SectionKey<SyslogConfig> SECTION = new SectionKey<>("syslog", SyslogConfig::bind);

    /** UDP datagrams carry at most 65,507 bytes of payload over IPv4; 64 KiB covers every sender. */
    public static final int MAX_UDP_PAYLOAD = 65_536;

    public SyslogConfig {
        allow = List.copyOf(allow);
        forward = List.copyOf(forward);
    }

    /**
     * @param receiveBuffer SO_RCVBUF asked of the kernel; bursts from a rebooting switch stack land here
     */
    public record Udp(int port, long receiveBuffer) {
    }

    /**
     * @param maxFrame an octet count above this closes the connection (RFC 6587 section 3.4.1 lets the
     *                 receiver refuse); LF frames above {@code maxMessage} are truncated instead
     */
    public record Tcp(boolean enabled, int port, int maxConnections, Duration idleTimeout, int maxFrame) {
    }

    /** Token bucket per sender address; {@code perSecond == 0} turns it off. */
    public record RateLimit(int perSecond, int burst) {
        public boolean enabled() {
            return perSecond > 0;
        }
    }

    public enum DeviceFiles { ADDRESS, HOSTNAME, NONE }

    /**
     * @param rotateSize bytes after which a file is rotated; 0 = never by size
     * @param rotateAge  age of the oldest line after which a file is rotated; zero = never by age
     * @param keep       rotated generations kept ({@code name.1} newest .. {@code name.keep} oldest)
     */
    public record Files(DeviceFiles perDevice, boolean combined, long rotateSize, Duration rotateAge, int keep) {
    }

    public enum Protocol { UDP, TCP }

    public enum ForwardFormat { RFC5424, RAW }

    /** One upstream collector; {@code queue} messages wait for it while it is down, then new ones are dropped. */
    public record Forward(InetAddress host, int port, Protocol protocol, ForwardFormat format, int queue) {
    }

    public static SyslogConfig defaults() {
        return new SyslogConfig(true, Addresses.parseNumeric("0.0.0.0"), new Udp(514, 8L << 20),
                new Tcp(false, 514, 256, Duration.ofMinutes(10), MAX_UDP_PAYLOAD), List.of(), new RateLimit(0, 0),
                MAX_UDP_PAYLOAD, " [truncated]", Path.of("logs").toAbsolutePath(),
                new Files(DeviceFiles.ADDRESS, true, 10L << 20, Duration.ofDays(1), 7), 262_144, 100, List.of());
    }

    static SyslogConfig bind(ConfigMapping m) {
        SyslogConfig d = defaults();
        boolean enabled = m.bool("enabled", true);
        InetAddress bind = m.address("bind", d.bind());

        ConfigMapping u = m.mapping("udp");
        int udpPort = u.port("port", d.udp().port());
        long receiveBuffer = u.size("receive-buffer", d.udp().receiveBuffer());
        if (receiveBuffer < 4096 || receiveBuffer > (1L << 30)) {
            u.problem("receive-buffer", "must be between 4KiB and 1GiB");
            receiveBuffer = d.udp().receiveBuffer();
        }

        ConfigMapping t = m.mapping("tcp");
        boolean tcpEnabled = t.bool("enabled", d.tcp().enabled());
        int tcpPort = t.port("port", d.tcp().port());
        int maxConnections = t.integer("max-connections", d.tcp().maxConnections(), 1, 100_000);
        Duration idle = t.duration("idle-timeout", d.tcp().idleTimeout());
        long maxFrame = t.size("max-frame", d.tcp().maxFrame());
        if (maxFrame < 480 || maxFrame > (16L << 20)) {
            // RFC 5425 section 4.3.1 requires receivers to take at least 2048 octets; 480 is RFC 3164's floor.
            t.problem("max-frame", "must be between 480 and 16MiB");
            maxFrame = d.tcp().maxFrame();
        }

        List<Cidr> allow = m.cidrs("allow", List.of());

        ConfigMapping r = m.mapping("rate-limit");
        int perSecond = r.integer("per-sender", 0, 0, 10_000_000);
        int burst = r.integer("burst", Math.max(perSecond, 1) * 2, 1, 100_000_000);

        long maxMessage = m.size("max-message", d.maxMessage());
        if (maxMessage < 480 || maxMessage > MAX_UDP_PAYLOAD) {
            m.problem("max-message", "must be between 480 and 64KiB (the largest UDP datagram)");
            maxMessage = d.maxMessage();
        }
        String marker = m.string("truncation-marker", d.truncationMarker());
        Path directory = m.path("directory", "./logs");

        ConfigMapping f = m.mapping("files");
        DeviceFiles perDevice = f.choice("per-device", DeviceFiles.class, d.files().perDevice());
        boolean combined = f.bool("combined", d.files().combined());
        long rotateSize = f.size("rotate-size", d.files().rotateSize());
        if (rotateSize != 0 && rotateSize < 4096) {
            f.problem("rotate-size", "must be 0 (never) or at least 4KiB");
            rotateSize = d.files().rotateSize();
        }
        Duration rotateAge = f.duration("rotate-age", d.files().rotateAge());
        int keep = f.integer("keep", d.files().keep(), 0, 1000);
        if (perDevice == DeviceFiles.NONE && !combined) {
            f.problem("combined", "with per-device: none, combined: false no message would be filed");
        }

        int queue = m.integer("queue", d.queue(), 1024, 16_777_216);
        int recent = m.integer("recent-per-device", d.recentPerDevice(), 0, 100_000);

        List<Forward> forward = new ArrayList<>();
        for (ConfigMapping fw : m.mappings("forward")) {
            InetAddress host = fw.address("host", null);
            if (host == null && !fw.has("host")) {
                fw.problem("host", "missing: the upstream collector's IP address");
            }
            int port = fw.port("port", 514);
            Protocol protocol = fw.choice("protocol", Protocol.class, Protocol.UDP);
            ForwardFormat format = fw.choice("format", ForwardFormat.class, ForwardFormat.RFC5424);
            int q = fw.integer("queue", 10_000, 1, 10_000_000);
            if (host != null) {
                forward.add(new Forward(host, port, protocol, format, q));
            }
        }
        return new SyslogConfig(enabled, bind, new Udp(udpPort, receiveBuffer),
                new Tcp(tcpEnabled, tcpPort, maxConnections, idle, (int) maxFrame), allow,
                new RateLimit(perSecond, perSecond == 0 ? 0 : burst), (int) maxMessage, marker, directory,
                new Files(perDevice, combined, rotateSize, rotateAge, keep), queue, recent, forward);
    }
}
