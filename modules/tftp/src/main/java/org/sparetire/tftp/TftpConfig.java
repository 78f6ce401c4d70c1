package org.sparetire.tftp;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.sparetire.core.config.ConfigMapping;
import org.sparetire.core.config.ConfigValue;
import org.sparetire.core.config.SectionKey;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.Cidr;
import org.sparetire.tftp.policy.AccessRules;
import org.sparetire.tftp.policy.ExistingUpload;
import org.sparetire.tftp.policy.PathJail;
import org.sparetire.tftp.policy.RemapRule;
import org.sparetire.tftp.policy.Remapper;
import org.sparetire.tftp.policy.RequestPolicy;
import org.sparetire.tftp.policy.SharedFiles;
import org.sparetire.tftp.policy.SymlinkPolicy;
import org.sparetire.tftp.policy.UploadInbox;
import org.sparetire.tftp.policy.VirtualRoot;

/**
 * The {@code tftp:} section. Immutable and compared by value: the lifecycle manager reconfigures the
 * service only when the new section differs, and the service rebinds only when an address changed.
 *
 * @param freeBind        bind the address even before an interface has it (IP_FREEBIND, Linux): start the
 *                        server before the cable is plugged in; off by default so a typo fails at start
 * @param portRange       source ports for transfers (firewalls); {@link PortRange#ANY} lets the system pick
 * @param singlePort      every transfer runs from the listening port, told apart by client address and port
 *                        (clients behind NAT, servers in containers)
 * @param blksizeMax      the largest block granted (1468 keeps a block inside one 1500-byte Ethernet frame)
 * @param blksizeCaps     smaller caps for some client networks (VPN and overlay links with a lower MTU)
 * @param noOptionsFor    clients that get plain RFC 1350 whatever options they ask for (firmware that asks
 *                        for options and then cannot handle the OACK)
 * @param maxNameLength   longer requested names are refused with ERROR 2
 */
public record TftpConfig(boolean enabled, InetAddress bind, boolean freeBind, int port, Path root, boolean createRoot,
                         boolean singlePort, PortRange portRange, int blksizeMax, List<BlksizeCap> blksizeCaps,
                         List<Cidr> noOptionsFor, int windowsizeMax, Duration timeout, int retries, Rollover rollover,
                         SymlinkPolicy symlinks, boolean caseInsensitive, boolean backslashToSlash, int maxNameLength,
                         List<RemapRule> remap, List<VirtualRoot> virtualRoots, AccessRules access, Limits limits,
                         Uploads uploads, Duration replyPoll) {

    public static final SectionKey<TftpConfig> SECTION = new SectionKey<>("tftp", TftpConfig::bind);

    public static final int DEFAULT_BLKSIZE_MAX = 1468;
    public static final int DEFAULT_WINDOWSIZE_MAX = 64;
    /**
     * How long a transfer's event loop polls for the next ACK (or DATA) instead of sleeping, after a small
     * send to a peer that answers that fast (see ReplyPolling in core). 0 turns polling off, and it is the
     * default: a polling loop spends a core the client may need (a boot loader in a VM on the same host, a
     * client on a small board), and on a loaded 2-core machine it doubled the server's CPU per block without
     * making lockstep transfers faster (docs/benchmarks.md, TFTP to U-Boot in QEMU).
     */
    public static final Duration DEFAULT_REPLY_POLL = Duration.ZERO;
    static final Duration MAX_REPLY_POLL = Duration.ofMillis(1);

    public TftpConfig {
        blksizeCaps = List.copyOf(blksizeCaps);
        noOptionsFor = List.copyOf(noOptionsFor);
        remap = List.copyOf(remap);
        virtualRoots = List.copyOf(virtualRoots);
    }

    /** What block number follows 65535. */
    public enum Rollover { ZERO, ONE }

    /** @param low 0 with high 0 means any ephemeral port */
    public record PortRange(int low, int high) {
        public static final PortRange ANY = new PortRange(0, 0);

        public boolean isAny() {
            return low == 0 && high == 0;
        }

        @Override
        public String toString() {
            return isAny() ? "any" : low + "-" + high;
        }
    }

    public record BlksizeCap(List<Cidr> clients, int max) {
        public BlksizeCap {
            clients = List.copyOf(clients);
        }
    }

    /**
     * @param transfers         concurrent transfers for the whole server
     * @param perClient         concurrent transfers per client address
     * @param requestsPerSecond requests per second per client address (0: unlimited)
     * @param burst             requests a client may send at once before the rate applies
     */
    public record Limits(int transfers, int perClient, int requestsPerSecond, int burst) {
    }

    /** @param extensions with the leading dot, lower case; empty allows any */
    public record Uploads(boolean enabled, Path dir, ExistingUpload onExisting, long maxSize, List<String> extensions,
                          List<String> folders) {
        public Uploads {
            extensions = List.copyOf(extensions);
            folders = List.copyOf(folders);
        }
    }

    /** A config with defaults for the given root, for tests and embedding. */
    public static TftpConfig defaults(Path root) {
        return new TftpConfig(true, Addresses.parseNumeric("0.0.0.0"), false, 69, root, false, false, PortRange.ANY,
                DEFAULT_BLKSIZE_MAX, List.of(), List.of(), DEFAULT_WINDOWSIZE_MAX, Duration.ofSeconds(1), 5, Rollover.ZERO,
                SymlinkPolicy.INSIDE_ROOT, false, true, 255, List.of(), List.of(),
                new AccessRules(AccessRules.EVERYONE, AccessRules.EVERYONE), new Limits(256, 8, 20, 40),
                new Uploads(false, root.resolveSibling("backups"), ExistingUpload.KEEP_VERSIONS, 64L << 20, List.of(),
                        List.of()), DEFAULT_REPLY_POLL);
    }

    public TftpConfig withBind(InetAddress address, int newPort) {
        return new TftpConfig(enabled, address, freeBind, newPort, root, createRoot, singlePort, portRange, blksizeMax,
                blksizeCaps, noOptionsFor, windowsizeMax, timeout, retries, rollover, symlinks, caseInsensitive, backslashToSlash,
                maxNameLength, remap, virtualRoots, access, limits, uploads, replyPoll);
    }

    public TftpConfig withTransfers(boolean newSinglePort, PortRange range, int newBlksizeMax, int newWindowsizeMax) {
        return new TftpConfig(enabled, bind, freeBind, port, root, createRoot, newSinglePort, range, newBlksizeMax,
                blksizeCaps, noOptionsFor, newWindowsizeMax, timeout, retries, rollover, symlinks, caseInsensitive, backslashToSlash,
                maxNameLength, remap, virtualRoots, access, limits, uploads, replyPoll);
    }

    public TftpConfig withFreeBind(boolean on) {
        return new TftpConfig(enabled, bind, on, port, root, createRoot, singlePort, portRange, blksizeMax,
                blksizeCaps, noOptionsFor, windowsizeMax, timeout, retries, rollover, symlinks, caseInsensitive,
                backslashToSlash, maxNameLength, remap, virtualRoots, access, limits, uploads, replyPoll);
    }

    public TftpConfig withNoOptionsFor(List<Cidr> clients) {
        return new TftpConfig(enabled, bind, freeBind, port, root, createRoot, singlePort, portRange, blksizeMax,
                blksizeCaps, clients, windowsizeMax, timeout, retries, rollover, symlinks, caseInsensitive,
                backslashToSlash, maxNameLength, remap, virtualRoots, access, limits, uploads, replyPoll);
    }

    public TftpConfig withCreateRoot(boolean create) {
        return new TftpConfig(enabled, bind, freeBind, port, root, create, singlePort, portRange, blksizeMax,
                blksizeCaps, noOptionsFor, windowsizeMax, timeout, retries, rollover, symlinks, caseInsensitive, backslashToSlash,
                maxNameLength, remap, virtualRoots, access, limits, uploads, replyPoll);
    }

    public TftpConfig withUploads(Uploads newUploads) {
        return new TftpConfig(enabled, bind, freeBind, port, root, createRoot, singlePort, portRange, blksizeMax,
                blksizeCaps, noOptionsFor, windowsizeMax, timeout, retries, rollover, symlinks, caseInsensitive, backslashToSlash,
                maxNameLength, remap, virtualRoots, access, limits, newUploads, replyPoll);
    }

    public TftpConfig withLimitsAndAccess(Limits newLimits, AccessRules newAccess) {
        return new TftpConfig(enabled, bind, freeBind, port, root, createRoot, singlePort, portRange, blksizeMax,
                blksizeCaps, noOptionsFor, windowsizeMax, timeout, retries, rollover, symlinks, caseInsensitive, backslashToSlash,
                maxNameLength, remap, virtualRoots, newAccess, newLimits, uploads, replyPoll);
    }

    public TftpConfig withNaming(SymlinkPolicy newSymlinks, boolean newCaseInsensitive, List<RemapRule> newRemap,
                                 List<VirtualRoot> newVirtualRoots) {
        return new TftpConfig(enabled, bind, freeBind, port, root, createRoot, singlePort, portRange, blksizeMax,
                blksizeCaps, noOptionsFor, windowsizeMax, timeout, retries, rollover, newSymlinks, newCaseInsensitive,
                backslashToSlash, maxNameLength, newRemap, newVirtualRoots, access, limits, uploads, replyPoll);
    }

    public TftpConfig withReplyPoll(Duration newReplyPoll) {
        return new TftpConfig(enabled, bind, freeBind, port, root, createRoot, singlePort, portRange, blksizeMax,
                blksizeCaps, noOptionsFor, windowsizeMax, timeout, retries, rollover, symlinks, caseInsensitive,
                backslashToSlash, maxNameLength, remap, virtualRoots, access, limits, uploads, newReplyPoll);
    }

    public TftpConfig withRetransmit(Duration newTimeout, int newRetries, Rollover newRollover) {
        return new TftpConfig(enabled, bind, freeBind, port, root, createRoot, singlePort, portRange, blksizeMax,
                blksizeCaps, noOptionsFor, windowsizeMax, newTimeout, newRetries, newRollover, symlinks, caseInsensitive,
                backslashToSlash, maxNameLength, remap, virtualRoots, access, limits, uploads, replyPoll);
    }

    /**
     * The file policy these settings describe: root, symlinks, names, remapping, virtual roots and who may
     * read. Both transports of the root (TFTP and HTTP boot) build theirs here, so they refuse alike.
     *
     * @param inbox null when uploads are disabled (always for HTTP boot, which is read-only)
     */
    public RequestPolicy requestPolicy(UploadInbox inbox, SharedFiles files) {
        PathJail jail = new PathJail(root, symlinks, caseInsensitive, maxNameLength);
        return new RequestPolicy(jail, virtualRoots, new Remapper(backslashToSlash, remap), access, inbox, files);
    }

    // ---------------------------------------------------------------- binding

    private static TftpConfig bind(ConfigMapping m) {
        boolean enabled = m.bool("enabled", true);
        InetAddress bind = m.address("bind", Addresses.parseNumeric("0.0.0.0"));
        boolean freeBind = m.bool("free-bind", false);
        int port = m.port("port", 69);
        boolean createRoot = m.bool("create-root", false);
        // A disabled server needs no root yet; enabling it later (reload) checks the folder then.
        Path root = bindDirectory(m, "root", "./tftpboot", createRoot || !enabled);
        boolean singlePort = m.bool("single-port", false);
        PortRange range = m.value("port-range").flatMap(TftpConfig::portRange).orElse(PortRange.ANY);
        m.defaultShown("port-range", "any");
        int blksizeMax = m.integer("blksize-max", DEFAULT_BLKSIZE_MAX, 8, 65464);
        List<BlksizeCap> caps = new ArrayList<>();
        for (ConfigMapping c : m.mappings("blksize-caps")) {
            List<Cidr> clients = c.cidrs("clients", List.of());
            if (!c.has("clients")) {
                c.problem("clients", "required: the client networks this cap applies to");
            }
            int max = c.integer("max", 1468, 8, 65464);
            if (!c.has("max")) {
                c.problem("max", "required: the largest blksize for these clients");
            }
            caps.add(new BlksizeCap(clients, max));
        }
        List<Cidr> noOptionsFor = m.cidrs("no-options-for", List.of());
        int windowsizeMax = m.integer("windowsize-max", DEFAULT_WINDOWSIZE_MAX, 1, 65535);
        Duration timeout = m.duration("timeout", Duration.ofSeconds(1));
        if (timeout.isZero() || timeout.compareTo(Duration.ofSeconds(255)) > 0) {
            m.problem("timeout", "must be between 1ms and 255s, got " + timeout.toMillis() + "ms");
            timeout = Duration.ofSeconds(1);
        }
        int retries = m.integer("retries", 5, 1, 50);
        Rollover rollover = m.choice("rollover", Rollover.class, Rollover.ZERO);
        SymlinkPolicy symlinks = m.choice("symlinks", SymlinkPolicy.class, SymlinkPolicy.INSIDE_ROOT);
        boolean caseInsensitive = m.bool("case-insensitive", false);
        boolean backslash = m.bool("backslash-to-slash", true);
        int maxName = m.integer("max-name-length", 255, 1, 4096);
        List<RemapRule> remap = new ArrayList<>();
        for (ConfigMapping r : m.mappings("remap")) {
            Optional<String> match = r.value("match").flatMap(ConfigValue::asRegex).map(java.util.regex.Pattern::pattern);
            if (!r.has("match")) {
                r.problem("match", "required: a regular expression");
            }
            String replace = r.string("replace", "");
            if (!r.has("replace")) {
                r.problem("replace", "required: the replacement text ($1 for groups)");
            }
            List<Cidr> clients = r.cidrs("clients", List.of());
            boolean last = r.bool("last", false);
            match.ifPresent(p -> remap.add(new RemapRule(p, replace, clients, last)));
        }
        List<VirtualRoot> virtualRoots = new ArrayList<>();
        for (ConfigMapping v : m.mappings("virtual-roots")) {
            List<Cidr> clients = v.cidrs("clients", List.of());
            if (!v.has("clients")) {
                v.problem("clients", "required: the client networks that see this root");
            }
            Path vroot = bindDirectory(v, "root", null, false);
            if (vroot != null) {
                virtualRoots.add(new VirtualRoot(clients, vroot));
            }
        }
        ConfigMapping a = m.mapping("access");
        AccessRules access = new AccessRules(a.cidrs("read", AccessRules.EVERYONE), a.cidrs("write", AccessRules.EVERYONE));
        ConfigMapping l = m.mapping("limits");
        Limits limits = new Limits(l.integer("transfers", 256, 1, 100_000), l.integer("per-client", 8, 1, 10_000),
                l.integer("requests-per-second", 20, 0, 1_000_000), l.integer("burst", 40, 1, 1_000_000));
        ConfigMapping u = m.mapping("uploads");
        boolean uploadsOn = u.bool("enabled", false);
        Path dir = u.path("dir", "./backups");
        ExistingUpload onExisting = u.choice("on-existing", ExistingUpload.class, ExistingUpload.KEEP_VERSIONS);
        long maxSize = u.size("max-size", 64L << 20);
        List<String> extensions = u.strings("extensions").stream()
                .map(e -> (e.startsWith(".") ? e : "." + e).toLowerCase(Locale.ROOT)).toList();
        List<String> folders = new ArrayList<>();
        for (ConfigValue f : u.value("folders").map(ConfigValue::asList).orElse(List.of())) {
            f.asString().ifPresent(s -> {
                String clean = s.replaceAll("^/+|/+$", "");
                if (clean.isEmpty() || clean.contains("..")) {
                    f.problem(f.path() + ": must be a folder inside the inbox, got '" + s + "'");
                } else {
                    folders.add(clean);
                }
            });
        }
        u.defaultShown("folders", "[]");
        Uploads uploads = new Uploads(uploadsOn, dir, onExisting, maxSize, extensions, folders);
        Duration replyPoll = m.duration("reply-poll", DEFAULT_REPLY_POLL);
        if (replyPoll.compareTo(MAX_REPLY_POLL) > 0) {
            // Past a millisecond the reply is not "at once": polling would only burn a core.
            m.problem("reply-poll", "must be between 0 and 1ms, got " + replyPoll.toNanos() / 1000 + "us");
            replyPoll = DEFAULT_REPLY_POLL;
        }
        return new TftpConfig(enabled, bind, freeBind, port, root, createRoot, singlePort, range, blksizeMax, caps,
                noOptionsFor, windowsizeMax, timeout, retries, rollover, symlinks, caseInsensitive, backslash, maxName, remap,
                virtualRoots, access, limits, uploads, replyPoll);
    }

    /** A directory that must exist, unless {@code create} says the service makes it at start. */
    private static Path bindDirectory(ConfigMapping m, String key, String defaultValue, boolean create) {
        if (!m.has(key)) {
            if (defaultValue == null) {
                m.problem(key, "required: a directory");
                return null;
            }
            Path p = m.path(key, defaultValue);
            if (!create && !Files.isDirectory(p)) {
                m.problem(key, "directory does not exist: " + p + " (create it, or set " + m.path() + ".create-root: true)");
            }
            return p;
        }
        ConfigValue v = m.value(key).orElseThrow();
        Optional<Path> p = create ? v.asPath() : v.asExistingDirectory();
        return p.orElseGet(() -> m.path(key, defaultValue == null ? "." : defaultValue));
    }

    private static Optional<PortRange> portRange(ConfigValue v) {
        return v.asString().flatMap(s -> {
            String t = s.trim();
            if (t.isEmpty() || t.equals("any")) {
                return Optional.of(PortRange.ANY);
            }
            String[] parts = t.split("\\s*-\\s*");
            try {
                int low = Integer.parseInt(parts[0]);
                int high = parts.length == 2 ? Integer.parseInt(parts[1]) : low;
                if (parts.length > 2 || low < 1 || high > 65535 || low > high) {
                    throw new NumberFormatException();
                }
                return Optional.of(new PortRange(low, high));
            } catch (NumberFormatException e) {
                v.problem(v.path() + ": expected a port range such as 50000-50100, found '" + s + "'");
                return Optional.empty();
            }
        });
    }
}
