package org.sparetire.tftp;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.sparetire.core.net.Cidr;
import org.sparetire.tftp.TftpConfig.Limits;
import org.sparetire.tftp.TftpConfig.Listen;
import org.sparetire.tftp.TftpConfig.Names;
import org.sparetire.tftp.TftpConfig.PortRange;
import org.sparetire.tftp.TftpConfig.Rollover;
import org.sparetire.tftp.TftpConfig.Transfers;
import org.sparetire.tftp.TftpConfig.Uploads;
import org.sparetire.tftp.policy.AccessRules;
import org.sparetire.tftp.policy.RemapRule;
import org.sparetire.tftp.policy.SymlinkPolicy;
import org.sparetire.tftp.policy.VirtualRoot;

/** Test configs: {@link TftpConfig#defaults} for a root, with the settings a test is about changed. */
public final class TftpConfigBuilder {
    private TftpConfig c;

    private TftpConfigBuilder(TftpConfig c) {
        this.c = c;
    }

    public static TftpConfigBuilder defaults(Path root) {
        return new TftpConfigBuilder(TftpConfig.defaults(root));
    }

    public static TftpConfigBuilder from(TftpConfig config) {
        return new TftpConfigBuilder(config);
    }

    public TftpConfig build() {
        return c;
    }

    public AccessRules access() {
        return c.access();
    }

    public Limits limits() {
        return c.limits();
    }

    private TftpConfigBuilder with(Listen listen, boolean createRoot, Names names, Transfers transfers,
                                   AccessRules access, Limits limits, Uploads uploads) {
        c = new TftpConfig(c.enabled(), listen, c.root(), createRoot, names, transfers, access, limits, uploads);
        return this;
    }

    private TftpConfigBuilder with(Listen listen) {
        return with(listen, c.createRoot(), c.names(), c.transfers(), c.access(), c.limits(), c.uploads());
    }

    private TftpConfigBuilder with(Transfers transfers) {
        return with(c.listen(), c.createRoot(), c.names(), transfers, c.access(), c.limits(), c.uploads());
    }

    public TftpConfigBuilder withBind(InetAddress address, int port) {
        Listen l = c.listen();
        return with(new Listen(address, port, l.freeBind(), l.singlePort(), l.portRange()));
    }

    public TftpConfigBuilder withFreeBind(boolean on) {
        Listen l = c.listen();
        return with(new Listen(l.bind(), l.port(), on, l.singlePort(), l.portRange()));
    }

    public TftpConfigBuilder withTransfers(boolean singlePort, PortRange range, int blksizeMax, int windowsizeMax) {
        Listen l = c.listen();
        Transfers t = c.transfers();
        with(new Listen(l.bind(), l.port(), l.freeBind(), singlePort, range));
        return with(new Transfers(blksizeMax, t.blksizeCaps(), t.noOptionsFor(), windowsizeMax, t.timeout(), t.retries(),
                t.rollover(), t.replyPoll()));
    }

    public TftpConfigBuilder withNoOptionsFor(List<Cidr> clients) {
        Transfers t = c.transfers();
        return with(new Transfers(t.blksizeMax(), t.blksizeCaps(), clients, t.windowsizeMax(), t.timeout(), t.retries(),
                t.rollover(), t.replyPoll()));
    }

    public TftpConfigBuilder withRetransmit(Duration timeout, int retries, Rollover rollover) {
        Transfers t = c.transfers();
        return with(new Transfers(t.blksizeMax(), t.blksizeCaps(), t.noOptionsFor(), t.windowsizeMax(), timeout, retries,
                rollover, t.replyPoll()));
    }

    public TftpConfigBuilder withReplyPoll(Duration replyPoll) {
        Transfers t = c.transfers();
        return with(new Transfers(t.blksizeMax(), t.blksizeCaps(), t.noOptionsFor(), t.windowsizeMax(), t.timeout(),
                t.retries(), t.rollover(), replyPoll));
    }

    public TftpConfigBuilder withCreateRoot(boolean create) {
        return with(c.listen(), create, c.names(), c.transfers(), c.access(), c.limits(), c.uploads());
    }

    public TftpConfigBuilder withNaming(SymlinkPolicy symlinks, boolean caseInsensitive, List<RemapRule> remap,
                                        List<VirtualRoot> virtualRoots) {
        Names n = c.names();
        return with(c.listen(), c.createRoot(), new Names(symlinks, caseInsensitive, n.backslashToSlash(),
                n.maxNameLength(), remap, virtualRoots), c.transfers(), c.access(), c.limits(), c.uploads());
    }

    public TftpConfigBuilder withLimitsAndAccess(Limits limits, AccessRules access) {
        return with(c.listen(), c.createRoot(), c.names(), c.transfers(), access, limits, c.uploads());
    }

    public TftpConfigBuilder withUploads(Uploads uploads) {
        return with(c.listen(), c.createRoot(), c.names(), c.transfers(), c.access(), c.limits(), uploads);
    }
}
