package org.sparetire.syslog.policy;

import java.net.InetAddress;
import java.util.List;
import org.sparetire.core.net.Cidr;

/** Which sender networks may log. An empty list allows everyone, which is what a bench setup wants. */
public final class SenderAllowlist {
    private final List<Cidr> networks;

    public SenderAllowlist(List<Cidr> networks) {
        this.networks = List.copyOf(networks);
    }

    public boolean allows(InetAddress sender) {
        if (networks.isEmpty()) {
            return true;
        }
        for (Cidr c : networks) {
            if (c.contains(sender)) {
                return true;
            }
        }
        return false;
    }
}
