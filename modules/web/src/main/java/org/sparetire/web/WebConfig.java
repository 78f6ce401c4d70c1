package org.sparetire.web;

import java.net.InetAddress;
import java.util.Optional;
import org.sparetire.core.config.ConfigMapping;
import org.sparetire.core.config.SectionKey;

/**
 * The {@code web:} section: where the dashboard listens, who may use it, and how much history it keeps.
 *
 * @param bind       listen address; 127.0.0.1 by default so a fresh install shows nothing to the network
 * @param port       TCP port; 8069 by default ("80" for HTTP, "69" for TFTP), clear of the 8080 that
 *                   other local tools tend to hold; 0 picks a free port (tests)
 * @param token      the access token; required when {@code bind} is not a loopback address
 * @param maxClients open HTTP connections at most (live views hold one each), so a stuck or hostile
 *                   client cannot exhaust the process
 */
public record WebConfig(boolean enabled, InetAddress bind, int port, Optional<AccessToken> token, History history,
                        int maxClients) {

    public static final int DEFAULT_PORT = 8069;
    /** Long enough that guessing over HTTP is hopeless; short enough to type from a label. */
    public static final int TOKEN_MIN_LENGTH = 16;

    public static final SectionKey<WebConfig> SECTION = new SectionKey<>("web", WebConfig::bind);

    public WebConfig {
        token = token == null ? Optional.empty() : token;
    }

    /** Defaults, as an absent {@code web:} section gives. */
    public static WebConfig defaults() {
        return new WebConfig(true, InetAddress.getLoopbackAddress(), DEFAULT_PORT, Optional.empty(), History.DEFAULTS,
                64);
    }

    /** True when only this machine can reach the listener, which is when no token is required. */
    public boolean loopbackOnly() {
        return bind.isLoopbackAddress();
    }

    /**
     * Limits on what the dashboard remembers. Every store is a bounded ring, so a busy bench or a chatty
     * device can fill the history but never the heap.
     *
     * @param transfers finished transfers kept for the Transfers page
     * @param syslog    syslog lines kept for the live tail
     * @param leases    leases (one per MAC) kept for the Leases page
     * @param devices   devices with a timeline; the least recently active is forgotten first
     * @param perDevice timeline entries per device; the oldest go first
     * @param warnings  service warnings kept for the Overview page
     */
    public record History(int transfers, int syslog, int leases, int devices, int perDevice, int warnings) {
        public static final History DEFAULTS = new History(1000, 5000, 4096, 512, 300, 100);

        /**
         * The heap the history takes when every limit is full, from per-entry costs measured by
         * scripts/bench/web/run.sh with strings of typical length (docs/web.md has the figures).
         */
        public long approximateBytes() {
            return transfers * 900L + syslog * 600L + leases * 1200L + (long) devices * perDevice * 450L
                    + warnings * 300L;
        }
    }

    static WebConfig bind(ConfigMapping m) {
        WebConfig d = defaults();
        boolean enabled = m.bool("enabled", d.enabled());
        InetAddress bind = m.address("bind", d.bind());
        int port = m.port("port", d.port());
        Optional<AccessToken> token = m.optionalSecret("token").flatMap(t -> {
            if (t.isBlank()) {
                m.problem("token", "must not be empty (leave the key out when binding to loopback)");
                return Optional.empty();
            }
            if (t.length() < TOKEN_MIN_LENGTH) {
                m.problem("token", "must be at least " + TOKEN_MIN_LENGTH + " characters (try: openssl rand -hex 16)");
                return Optional.empty();
            }
            return Optional.of(new AccessToken(t));
        });
        int maxClients = m.integer("max-clients", d.maxClients(), 4, 10_000);
        ConfigMapping h = m.mapping("history");
        History hd = History.DEFAULTS;
        History history = new History(
                h.integer("transfers", hd.transfers(), 10, 1_000_000),
                h.integer("syslog", hd.syslog(), 10, 1_000_000),
                h.integer("leases", hd.leases(), 10, 1_000_000),
                h.integer("devices", hd.devices(), 10, 100_000),
                h.integer("per-device", hd.perDevice(), 10, 100_000),
                h.integer("warnings", hd.warnings(), 10, 100_000));
        if (!bind.isLoopbackAddress() && token.isEmpty() && !m.has("token")) {
            m.problem("bind", bind.getHostAddress() + " is reachable from the network: set web.token (at least "
                    + TOKEN_MIN_LENGTH + " characters) or bind 127.0.0.1");
        }
        return new WebConfig(enabled, bind, port, token, history, maxClients);
    }
}
