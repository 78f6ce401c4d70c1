package org.sparetire.tftp;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.sparetire.core.config.ConfigGroup;
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
 * service only when the new section differs, and the service rebinds only when an address changed. The
 * file's keys are flat; {@link Listen}, {@link Names} and {@link Transfers} group them for the code.
 * Bound by {@link TftpConfigBinder}.
 */
public record TftpConfig(boolean enabled, Listen listen, Path root, boolean createRoot, Names names,
                         Transfers transfers, AccessRules access, Limits limits, Uploads uploads) {

    public static final SectionKey<TftpConfig> SECTION = new SectionKey<>("tftp", TftpConfigBinder::bind);

    public static final int DEFAULT_BLKSIZE_MAX = 1468;
    public static final int DEFAULT_WINDOWSIZE_MAX = 64;
    /**
     * How long a transfer's event loop polls for the next ACK (or DATA) instead of sleeping (ReplyPolling
     * in core). Off by default: a polling loop spends a core the client may need (a boot loader in a VM on
     * the same host, a small board), and it did not make lockstep transfers faster (docs/benchmarks.md).
     */
    public static final Duration DEFAULT_REPLY_POLL = Duration.ZERO;
    static final Duration MAX_REPLY_POLL = Duration.ofMillis(1);

    /**
     * Where requests come in, and where transfers send from.
     *
     * @param freeBind   bind the address even before an interface has it (IP_FREEBIND, Linux): start the
     *                   server before the cable is plugged in; off by default so a typo fails at start
     * @param singlePort every transfer runs from the listening port, told apart by client address and port
     *                   (clients behind NAT, servers in containers)
     * @param portRange  source ports for transfers (firewalls); {@link PortRange#ANY} lets the system pick
     */
    public record Listen(InetAddress bind, int port, boolean freeBind, boolean singlePort, PortRange portRange)
            implements ConfigGroup {
        public static final Listen DEFAULTS = new Listen(Addresses.parseNumeric("0.0.0.0"), 69, false, false,
                PortRange.ANY);
    }

    /**
     * How a requested name finds a file beneath the root.
     *
     * @param maxNameLength longer requested names are refused with ERROR 2
     */
    public record Names(SymlinkPolicy symlinks, boolean caseInsensitive, boolean backslashToSlash, int maxNameLength,
                        List<RemapRule> remap, List<VirtualRoot> virtualRoots) implements ConfigGroup {
        public static final Names DEFAULTS = new Names(SymlinkPolicy.INSIDE_ROOT, false, true, 255, List.of(), List.of());

        public Names {
            remap = List.copyOf(remap);
            virtualRoots = List.copyOf(virtualRoots);
        }
    }

    /**
     * What a transfer is granted (RFC 2347-2349, 7440) and how it recovers.
     *
     * @param blksizeMax   the largest block granted (1468 keeps a block inside one 1500-byte Ethernet frame)
     * @param blksizeCaps  smaller caps for some client networks (VPN and overlay links with a lower MTU)
     * @param noOptionsFor clients that get plain RFC 1350 whatever options they ask for (firmware that asks
     *                     for options and then cannot handle the OACK)
     * @param replyPoll    see {@link #DEFAULT_REPLY_POLL}
     */
    public record Transfers(int blksizeMax, List<BlksizeCap> blksizeCaps, List<Cidr> noOptionsFor, int windowsizeMax,
                            Duration timeout, int retries, Rollover rollover, Duration replyPoll) implements ConfigGroup {
        public static final Transfers DEFAULTS = new Transfers(DEFAULT_BLKSIZE_MAX, List.of(), List.of(),
                DEFAULT_WINDOWSIZE_MAX, Duration.ofSeconds(1), 5, Rollover.ZERO, DEFAULT_REPLY_POLL);

        public Transfers {
            blksizeCaps = List.copyOf(blksizeCaps);
            noOptionsFor = List.copyOf(noOptionsFor);
        }
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
        public static final Limits DEFAULTS = new Limits(256, 8, 20, 40);
    }

    /** @param extensions with the leading dot, lower case; empty allows any */
    public record Uploads(boolean enabled, Path dir, ExistingUpload onExisting, long maxSize, List<String> extensions,
                          List<String> folders) {
        public static final long DEFAULT_MAX_SIZE = 64L << 20;

        public Uploads {
            extensions = List.copyOf(extensions);
            folders = List.copyOf(folders);
        }
    }

    /** A config with defaults for the given root, for tests and embedding. */
    public static TftpConfig defaults(Path root) {
        return new TftpConfig(true, Listen.DEFAULTS, root, false, Names.DEFAULTS, Transfers.DEFAULTS,
                new AccessRules(AccessRules.EVERYONE, AccessRules.EVERYONE), Limits.DEFAULTS,
                new Uploads(false, root.resolveSibling("backups"), ExistingUpload.KEEP_VERSIONS, Uploads.DEFAULT_MAX_SIZE,
                        List.of(), List.of()));
    }

    /**
     * The file policy these settings describe: root, symlinks, names, remapping, virtual roots and who may
     * read. Both transports of the root (TFTP and HTTP boot) build theirs here, so they refuse alike.
     *
     * @param inbox null when uploads are disabled (always for HTTP boot, which is read-only)
     */
    public RequestPolicy requestPolicy(UploadInbox inbox, SharedFiles files) {
        PathJail jail = new PathJail(root, names.symlinks(), names.caseInsensitive(), names.maxNameLength());
        return new RequestPolicy(jail, names.virtualRoots(), new Remapper(names.backslashToSlash(), names.remap()), access,
                inbox, files);
    }
}
