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
import org.sparetire.core.net.Cidr;
import org.sparetire.tftp.TftpConfig.BlksizeCap;
import org.sparetire.tftp.TftpConfig.Limits;
import org.sparetire.tftp.TftpConfig.Listen;
import org.sparetire.tftp.TftpConfig.Names;
import org.sparetire.tftp.TftpConfig.PortRange;
import org.sparetire.tftp.TftpConfig.Rollover;
import org.sparetire.tftp.TftpConfig.Transfers;
import org.sparetire.tftp.TftpConfig.Uploads;
import org.sparetire.tftp.policy.AccessRules;
import org.sparetire.tftp.policy.ExistingUpload;
import org.sparetire.tftp.policy.RemapRule;
import org.sparetire.tftp.policy.SymlinkPolicy;
import org.sparetire.tftp.policy.VirtualRoot;

/**
 * Binds the {@code tftp:} section, reporting every problem at its file:line:col. As the other sections'
 * binders do, it starts from the section's defaults ({@link TftpConfig#defaults}) and takes each key's
 * default from there, so the file and the code cannot disagree; keys are read in the order
 * {@code sparetire check} prints them. Paths default to names relative to the config's folder.
 */
final class TftpConfigBinder {
    private TftpConfigBinder() {
    }

    static TftpConfig bind(ConfigMapping m) {
        TftpConfig d = TftpConfig.defaults(Path.of("tftpboot"));
        Listen ld = d.listen();
        Names nd = d.names();
        Transfers td = d.transfers();
        boolean enabled = m.bool("enabled", d.enabled());
        InetAddress bind = m.address("bind", ld.bind());
        boolean freeBind = m.bool("free-bind", ld.freeBind());
        int port = m.port("port", ld.port());
        boolean createRoot = m.bool("create-root", d.createRoot());
        // A disabled server needs no root yet; enabling it later (reload) checks the folder then.
        Path root = directory(m, "root", "./tftpboot", createRoot || !enabled);
        boolean singlePort = m.bool("single-port", ld.singlePort());
        PortRange range = m.value("port-range").flatMap(TftpConfigBinder::portRange).orElse(ld.portRange());
        m.defaultShown("port-range", "any");
        Listen listen = new Listen(bind, port, freeBind, singlePort, range);

        int blksizeMax = m.integer("blksize-max", td.blksizeMax(), 8, 65464);
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
        List<Cidr> noOptionsFor = m.cidrs("no-options-for", td.noOptionsFor());
        int windowsizeMax = m.integer("windowsize-max", td.windowsizeMax(), 1, 65535);
        Duration timeout = m.duration("timeout", td.timeout());
        if (timeout.isZero() || timeout.compareTo(Duration.ofSeconds(255)) > 0) {
            m.problem("timeout", "must be between 1ms and 255s, got " + timeout.toMillis() + "ms");
            timeout = td.timeout();
        }
        int retries = m.integer("retries", td.retries(), 1, 50);
        Rollover rollover = m.choice("rollover", Rollover.class, td.rollover());

        Names names = new Names(m.choice("symlinks", SymlinkPolicy.class, nd.symlinks()),
                m.bool("case-insensitive", nd.caseInsensitive()), m.bool("backslash-to-slash", nd.backslashToSlash()),
                m.integer("max-name-length", nd.maxNameLength(), 1, 4096), remap(m), virtualRoots(m));
        ConfigMapping a = m.mapping("access");
        AccessRules access = new AccessRules(a.cidrs("read", d.access().read()), a.cidrs("write", d.access().write()));
        ConfigMapping l = m.mapping("limits");
        Limits ldef = d.limits();
        Limits limits = new Limits(l.integer("transfers", ldef.transfers(), 1, 100_000),
                l.integer("per-client", ldef.perClient(), 1, 10_000),
                l.integer("requests-per-second", ldef.requestsPerSecond(), 0, 1_000_000),
                l.integer("burst", ldef.burst(), 1, 1_000_000));
        Uploads uploads = uploads(m.mapping("uploads"), d.uploads());
        Duration replyPoll = m.duration("reply-poll", td.replyPoll());
        if (replyPoll.compareTo(TftpConfig.MAX_REPLY_POLL) > 0) {
            // Past a millisecond the reply is not "at once": polling would only burn a core.
            m.problem("reply-poll", "must be between 0 and 1ms, got " + replyPoll.toNanos() / 1000 + "us");
            replyPoll = td.replyPoll();
        }
        Transfers transfers = new Transfers(blksizeMax, caps, noOptionsFor, windowsizeMax, timeout, retries, rollover,
                replyPoll);
        return new TftpConfig(enabled, listen, root, createRoot, names, transfers, access, limits, uploads);
    }

    private static List<RemapRule> remap(ConfigMapping m) {
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
        return remap;
    }

    private static List<VirtualRoot> virtualRoots(ConfigMapping m) {
        List<VirtualRoot> virtualRoots = new ArrayList<>();
        for (ConfigMapping v : m.mappings("virtual-roots")) {
            List<Cidr> clients = v.cidrs("clients", List.of());
            if (!v.has("clients")) {
                v.problem("clients", "required: the client networks that see this root");
            }
            Path vroot = directory(v, "root", null, false);
            if (vroot != null) {
                virtualRoots.add(new VirtualRoot(clients, vroot));
            }
        }
        return virtualRoots;
    }

    private static Uploads uploads(ConfigMapping u, Uploads d) {
        boolean uploadsOn = u.bool("enabled", d.enabled());
        Path dir = u.path("dir", "./backups");
        ExistingUpload onExisting = u.choice("on-existing", ExistingUpload.class, d.onExisting());
        long maxSize = u.size("max-size", d.maxSize());
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
        return new Uploads(uploadsOn, dir, onExisting, maxSize, extensions, folders);
    }

    /** A directory that must exist, unless {@code create} says the service makes it at start. */
    private static Path directory(ConfigMapping m, String key, String defaultValue, boolean create) {
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
