package org.sparetire.tftp.policy;

import java.nio.file.Path;
import java.util.List;
import org.sparetire.core.net.Cidr;

/** Clients in these networks see {@code root} instead of the main root (per-bench or per-vendor trees). */
public record VirtualRoot(List<Cidr> clients, Path root) {
    public VirtualRoot {
        clients = List.copyOf(clients);
    }
}
