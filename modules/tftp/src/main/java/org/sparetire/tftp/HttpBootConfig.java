package org.sparetire.tftp;

import java.net.InetAddress;
import java.time.Duration;
import org.sparetire.core.config.ConfigMapping;
import org.sparetire.core.config.SectionKey;
import org.sparetire.core.net.Addresses;

/**
 * The {@code http-boot:} section: where the HTTP transport of the TFTP root listens. What it serves, and
 * to whom, is the {@code tftp:} section's file policy (root, symlinks, names, virtual roots, access.read).
 *
 * @param port        TCP port, 8070 by default: beside the dashboard's 8069, never the same listener
 * @param downloads   downloads at once for the whole server
 * @param perClient   downloads at once per client address
 * @param idleTimeout a connection that moves no byte either way for this long is closed
 */
public record HttpBootConfig(boolean enabled, InetAddress bind, int port, int downloads, int perClient,
                             Duration idleTimeout) {

    public static final int DEFAULT_PORT = 8070;

    public static final SectionKey<HttpBootConfig> SECTION = new SectionKey<>("http-boot", HttpBootConfig::bind);

    /** Defaults, as an absent section gives: off. */
    public static HttpBootConfig defaults() {
        return new HttpBootConfig(false, Addresses.parseNumeric("0.0.0.0"), DEFAULT_PORT, 256, 8,
                Duration.ofSeconds(60));
    }

    public HttpBootConfig withBind(InetAddress address, int newPort) {
        return new HttpBootConfig(enabled, address, newPort, downloads, perClient, idleTimeout);
    }

    public HttpBootConfig withEnabled(boolean on) {
        return new HttpBootConfig(on, bind, port, downloads, perClient, idleTimeout);
    }

    private static HttpBootConfig bind(ConfigMapping m) {
        HttpBootConfig d = defaults();
        boolean enabled = m.bool("enabled", d.enabled());
        InetAddress bind = m.address("bind", d.bind());
        int port = m.port("port", d.port());
        ConfigMapping l = m.mapping("limits");
        int downloads = l.integer("downloads", d.downloads(), 1, 100_000);
        int perClient = l.integer("per-client", d.perClient(), 1, 10_000);
        Duration idle = m.duration("idle-timeout", d.idleTimeout());
        if (idle.compareTo(Duration.ofSeconds(1)) < 0 || idle.compareTo(Duration.ofHours(1)) > 0) {
            m.problem("idle-timeout", "must be between 1s and 1h, got " + idle.toMillis() + "ms");
            idle = d.idleTimeout();
        }
        return new HttpBootConfig(enabled, bind, port, downloads, perClient, idle);
    }
}
