package org.sparetire.tftp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.core.net.PowerSource;
import org.sparetire.tftp.policy.Admission;
import org.sparetire.tftp.policy.RequestPolicy;
import org.sparetire.tftp.policy.UploadInbox;
import org.sparetire.tftp.session.OptionNegotiation;
import org.sparetire.tftp.transport.ServerSettings;
import org.sparetire.tftp.transport.TftpServer;

/** The TFTP service: RFC 1350 with options (RFC 2347-2349), windows (RFC 7440) and a backup inbox. */
public final class TftpService extends FileService<TftpConfig> {
    /** TransferProgress events at most this often per transfer. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

    private final ServiceContext context;
    private final TftpServer server;
    private Admission admission;

    public TftpService(TftpConfig config, ServiceContext context) {
        super(config);
        this.context = context;
        this.server = new TftpServer(context.net(), context.events(), context.clock());
    }

    @Override
    public String name() {
        return "tftp";
    }

    @Override
    protected void startUp(TftpConfig config) throws ServiceStartException {
        ServerSettings settings = settings(config, null);
        server.start(new InetSocketAddress(config.listen().bind(), config.listen().port()), config.listen().freeBind(), settings);
    }

    private ServerSettings settings(TftpConfig c, TftpConfig previous) throws ServiceStartException {
        prepareRoot(c, "tftp.root");
        UploadInbox inbox = c.uploads().enabled()
                ? new UploadInbox(c.uploads().dir(), c.uploads().onExisting(), c.uploads().maxSize(),
                        c.uploads().extensions(), c.uploads().folders(), c.names().maxNameLength())
                : null;
        RequestPolicy policy = c.requestPolicy(inbox, files);
        // Keep the counters when the limits did not change, so a reload does not forget running transfers.
        if (admission == null || previous == null || !previous.limits().equals(c.limits())) {
            admission = new Admission(c.limits().transfers(), c.limits().perClient(), c.limits().requestsPerSecond(),
                    c.limits().burst());
        }
        TftpConfig.Transfers t = c.transfers();
        OptionNegotiation.Limits limits = new OptionNegotiation.Limits(t.blksizeMax(), t.windowsizeMax(), t.timeout(),
                t.retries(), t.rollover() == TftpConfig.Rollover.ONE);
        List<ServerSettings.Cap> caps = t.blksizeCaps().stream()
                .map(b -> new ServerSettings.Cap(b.clients(), b.max())).toList();
        if (!t.replyPoll().isZero()) {
            PowerSource.watch(); // polling for replies stays off while the machine runs on battery
        }
        TftpConfig.Listen l = c.listen();
        return new ServerSettings(policy, admission, limits, caps, t.noOptionsFor(), l.singlePort(), l.portRange().low(),
                l.portRange().high(), PROGRESS_INTERVAL, t.replyPoll());
    }

    /** Makes the root when the config asks for it, then insists that it is a folder. */
    static void prepareRoot(TftpConfig c, String what) throws ServiceStartException {
        if (c.createRoot() && !Files.isDirectory(c.root())) {
            try {
                Files.createDirectories(c.root());
            } catch (IOException e) {
                throw new ServiceStartException("cannot create " + what + " " + c.root() + ": " + e.getMessage(), e);
            }
        }
        if (!Files.isDirectory(c.root())) {
            throw new ServiceStartException(what + " is not a directory: " + c.root());
        }
    }

    @Override
    protected void apply(TftpConfig old, TftpConfig newConfig) throws ServiceStartException {
        Admission oldAdmission = admission;
        ServerSettings next;
        try {
            next = settings(newConfig, old);
        } catch (ServiceStartException e) {
            admission = oldAdmission;
            throw e;
        }
        // free-bind alone does not rebind: the new socket could not take the port the old one holds.
        TftpConfig.Listen was = old.listen();
        TftpConfig.Listen listen = newConfig.listen();
        if (!was.bind().equals(listen.bind()) || was.port() != listen.port()) {
            try {
                server.rebind(new InetSocketAddress(listen.bind(), listen.port()), listen.freeBind());
            } catch (ServiceStartException e) {
                admission = oldAdmission;
                throw e;
            }
        }
        server.update(next);
    }

    @Override
    protected void shutDown(Duration grace) {
        server.stop(grace);
    }

    @Override
    ServiceHealth.Endpoint endpoint() {
        return new ServiceHealth.Endpoint("udp", "tftp", server.localAddress());
    }

    @Override
    int active() {
        return server.activeTransfers();
    }

    @Override
    long served() {
        return server.servedTransfers();
    }

    /** Transfers running now, for tests and the dashboard. */
    public int activeTransfers() {
        return server.activeTransfers();
    }
}
