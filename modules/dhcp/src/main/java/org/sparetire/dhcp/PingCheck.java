package org.sparetire.dhcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ping check before an offer (RFC 2131 section 4.4.1 suggests probing an address before offering it),
 * through the interface the request came in on. A probe blocks for up to ping-timeout, so probes run on
 * threads of their own, never on the event loop; the caller gets a future.
 */
final class PingCheck {
    private static final Logger log = LoggerFactory.getLogger(DhcpService.class);

    private final ExecutorService pinger = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "dhcp-ping");
        t.setDaemon(true);
        return t;
    });

    /** Completes with true when {@code address} answered within {@code timeout}; fails once closed. */
    CompletableFuture<Boolean> answers(InetAddress address, String iface, Duration timeout) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return address.isReachable(NetworkInterface.getByName(iface), 0, (int) timeout.toMillis());
                } catch (IOException e) {
                    log.debug("dhcp ping {} failed: {}", address.getHostAddress(), e.toString());
                    return false;
                }
            }, pinger);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** For good: probes under way are interrupted and new ones fail. */
    void close() {
        pinger.shutdownNow();
    }
}
