package org.sparetire.dhcp.it;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sparetire.testkit.NetNamespace;
import org.sparetire.testkit.PeerProgram;

/**
 * Namespaces joined to each other (never to the root namespace): the DHCP server lives in one, clients in
 * others, so no test packet can reach a real network.
 */
final class Namespaces implements AutoCloseable {
    private static final Duration T = Duration.ofSeconds(10);
    private final List<NetNamespace> all = new ArrayList<>();

    NetNamespace create(String label) throws IOException, InterruptedException {
        NetNamespace ns = NetNamespace.create(label);
        all.add(ns);
        return ns;
    }

    /** A veth pair with one end in each namespace; a null cidr leaves that end unnumbered. */
    static void link(NetNamespace a, String aIf, String aCidr, NetNamespace b, String bIf, String bCidr)
            throws IOException, InterruptedException {
        PeerProgram.run(T, "ip", "link", "add", aIf, "netns", a.name(), "type", "veth", "peer", "name", bIf,
                "netns", b.name()).assertSuccess();
        if (aCidr != null) {
            a.exec(T, "ip", "addr", "add", aCidr, "dev", aIf).assertSuccess();
        }
        if (bCidr != null) {
            b.exec(T, "ip", "addr", "add", bCidr, "dev", bIf).assertSuccess();
        }
        a.exec(T, "ip", "link", "set", aIf, "up").assertSuccess();
        b.exec(T, "ip", "link", "set", bIf, "up").assertSuccess();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (NetNamespace ns : all) {
            ns.close();
        }
    }
}
