package org.sparetire.tftp;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.tftp.policy.Admission;
import org.sparetire.tftp.transport.HttpBootServer;

/**
 * HTTP boot (UEFI HTTP Boot, iPXE's http://): the TFTP root over HTTP, read-only. It is a second
 * transport of the TFTP file policy rather than a service of its own files, so it takes the tftp section
 * as well as its own and refuses exactly what TFTP refuses; it runs whether or not TFTP itself is enabled.
 */
public final class HttpBootService extends FileService<HttpBootService.Settings> {

    /** What the service is built from: its own section, and the tftp section whose files it serves. */
    public record Settings(HttpBootConfig http, TftpConfig tftp) {
        public static Settings of(AppConfig config) {
            return new Settings(config.section(HttpBootConfig.SECTION), config.section(TftpConfig.SECTION));
        }

        public boolean enabled() {
            return http.enabled();
        }
    }

    private final HttpBootServer server;
    private Admission admission;

    public HttpBootService(Settings settings, ServiceContext context) {
        super(settings);
        this.server = new HttpBootServer(context.net(), context.events(), context.clock());
    }

    @Override
    public String name() {
        return "http-boot";
    }

    @Override
    protected void startUp(Settings settings) throws ServiceStartException {
        server.start(address(settings.http()), serverSettings(settings, null));
    }

    private HttpBootServer.Settings serverSettings(Settings s, Settings previous) throws ServiceStartException {
        TftpService.prepareRoot(s.tftp(), "tftp.root (served by http-boot)");
        HttpBootConfig h = s.http();
        // Keep the counters when the limits did not change, so a reload does not forget running downloads.
        if (admission == null || previous == null || previous.http().downloads() != h.downloads()
                || previous.http().perClient() != h.perClient()) {
            admission = new Admission(h.downloads(), h.perClient(), 0, 1);
        }
        return new HttpBootServer.Settings(s.tftp().requestPolicy(null, files), admission, h.downloads() * 2 + 16,
                h.idleTimeout(), TftpService.PROGRESS_INTERVAL);
    }

    private static InetSocketAddress address(HttpBootConfig h) {
        return new InetSocketAddress(h.bind(), h.port());
    }

    @Override
    protected void apply(Settings old, Settings next) throws ServiceStartException {
        Admission oldAdmission = admission;
        HttpBootServer.Settings built;
        try {
            built = serverSettings(next, old);
            if (!old.http().bind().equals(next.http().bind()) || old.http().port() != next.http().port()) {
                server.rebind(address(next.http()));
            }
        } catch (ServiceStartException e) {
            admission = oldAdmission;
            throw e;
        }
        server.update(built);
    }

    @Override
    protected void shutDown(Duration grace) {
        server.stop(grace);
    }

    @Override
    ServiceHealth.Endpoint endpoint() {
        return new ServiceHealth.Endpoint("tcp", "http-boot", server.localAddress());
    }

    @Override
    int active() {
        return server.activeDownloads();
    }

    @Override
    long served() {
        return server.servedDownloads();
    }

    /** Downloads running now, for tests. */
    public int activeDownloads() {
        return server.activeDownloads();
    }
}
