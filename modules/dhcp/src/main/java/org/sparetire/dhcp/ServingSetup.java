package org.sparetire.dhcp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.event.ServiceWarning;
import org.sparetire.core.lifecycle.ServiceContext;
import org.sparetire.core.lifecycle.ServiceStartException;
import org.sparetire.dhcp.lease.Lease;
import org.sparetire.dhcp.lease.LeaseTable;
import org.sparetire.dhcp.store.LeaseJournal;
import org.sparetire.dhcp.store.LeaseStore;
import org.sparetire.dhcp.store.PostgresLeaseStore;
import org.sparetire.dhcp.transport.DhcpTransport;
import org.sparetire.dhcp.transport.RogueServerProbe;

/**
 * What a start or a reload opens: the configured interfaces, checked; the lease store; the sockets. Each
 * step fails with one line a person can act on, naming the setting.
 */
final class ServingSetup {
    private static final Logger log = LoggerFactory.getLogger(DhcpService.class);

    private final DhcpTransport transport;
    private final ServiceContext context;

    ServingSetup(DhcpTransport transport, ServiceContext context) {
        this.transport = transport;
        this.context = context;
    }

    List<LocalInterfaces.Ipv4> resolve(DhcpConfig c) throws ServiceStartException {
        List<LocalInterfaces.Ipv4> out = new ArrayList<>();
        List<String> defaultRoute = LocalInterfaces.defaultRouteInterfaces();
        for (String name : c.interfaces()) {
            if (!LocalInterfaces.exists(name)) {
                throw new ServiceStartException("interface " + name + " does not exist (dhcp.interfaces)");
            }
            LocalInterfaces.Ipv4 ip = LocalInterfaces.ipv4(name).orElseThrow(() -> new ServiceStartException(
                    "interface " + name + " has no IPv4 address: give it one, or remove it from dhcp.interfaces"));
            if (c.mode() == DhcpConfig.Mode.SERVER && c.subnetFor(ip.address()).isEmpty()) {
                log.warn("dhcp: interface {} ({}) is in none of dhcp.subnets; only relayed requests are served there",
                        name, ip.network());
            }
            if (defaultRoute.contains(name) && c.mode() == DhcpConfig.Mode.SERVER) {
                // Configured on purpose, so not refused (quick mode refuses it); but say it loudly.
                warn("interface " + name + " carries the default route: leases handed out there reach "
                        + "whatever network it joins (use a dedicated interface, or dhcp.mode: proxy)");
            }
            out.add(ip);
        }
        return out;
    }

    void checkForOtherServers(DhcpConfig c, List<LocalInterfaces.Ipv4> ifaces) throws ServiceStartException {
        if (c.rogueCheck() == DhcpConfig.RogueCheck.OFF || !transport.canBindToDevice()) {
            return;
        }
        RogueServerProbe probe = new RogueServerProbe(transport);
        int serverPort = c.port() == 0 ? 67 : c.port();
        for (RogueServerProbe.Answer a : probe.probe(ifaces, c.clientPort(), serverPort, c.rogueWait())) {
            String msg = "another DHCP server answers on " + a.iface() + ": " + a.serverId().getHostAddress()
                    + " (from " + a.from().getAddress().getHostAddress() + ")"
                    + (c.mode() == DhcpConfig.Mode.SERVER ? "; two servers hand out conflicting leases, "
                    + "use dhcp.mode: proxy to only add boot information" : "");
            warn(msg);
            if (c.rogueCheck() == DhcpConfig.RogueCheck.REFUSE && c.mode() == DhcpConfig.Mode.SERVER) {
                throw new ServiceStartException(msg + " (refusing to start: dhcp.rogue-check.action is refuse)");
            }
        }
    }

    private void warn(String msg) {
        log.warn("dhcp: {}", msg);
        context.events().publish(new ServiceWarning(context.clock().now(), "dhcp", msg));
    }

    LeaseStore openStore(DhcpConfig c) throws ServiceStartException {
        if (c.leaseStore().type() == DhcpConfig.StoreType.POSTGRESQL) {
            try {
                return PostgresLeaseStore.open(c.leaseStore(), context.clock()::now, (up, msg) ->
                        context.events().publish(new ServiceWarning(context.clock().now(), "dhcp", msg)));
            } catch (IOException e) {
                throw new ServiceStartException("cannot read " + c.leaseStore().passwordFile() + ": " + e.getMessage()
                        + " (dhcp.lease-store.password-file)", e);
            }
        }
        try {
            LeaseJournal j = LeaseJournal.open(c.leaseFile());
            if (j.loaded().badLines() > 0) {
                log.warn("dhcp lease journal {}: skipped {} unreadable lines", c.leaseFile(), j.loaded().badLines());
            }
            return j;
        } catch (IOException e) {
            throw new ServiceStartException("cannot open lease file " + c.leaseFile() + ": " + e.getMessage()
                    + " (dhcp.lease-file)", e);
        }
    }

    void restore(LeaseTable table, List<Lease> leases) {
        for (Lease l : leases) {
            table.record(l);
        }
        table.sweep(context.clock().now());
    }

    /** Binds each interface's sockets into {@code out}; on failure the caller closes what {@code out} holds. */
    void bindAll(DhcpConfig c, List<LocalInterfaces.Ipv4> ifaces, DhcpTransport.RequestHandler handler,
                 List<DhcpTransport.Endpoint> out) throws ServiceStartException {
        int port = c.port();
        int proxyPort = c.proxyPort();
        for (LocalInterfaces.Ipv4 iface : ifaces) {
            DhcpTransport.Endpoint ep = transport.bind(iface, port, false, "dhcp.port", handler);
            out.add(ep);
            port = ep.port(); // port 0: every interface shares the port the first one got
            if (c.mode() == DhcpConfig.Mode.PROXY) {
                DhcpTransport.Endpoint boot = transport.bind(iface, proxyPort, true, "dhcp.proxy-port", handler);
                out.add(boot);
                proxyPort = boot.port();
            }
        }
    }
}
