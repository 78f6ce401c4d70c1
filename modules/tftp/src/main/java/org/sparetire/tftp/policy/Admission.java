package org.sparetire.tftp.policy;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Concurrency and request-rate limits. A client over its concurrent limit, or the server over its
 * global one, gets ERROR 0 "busy"; a client sending requests faster than its rate is dropped silently,
 * so a spoofed source cannot use the server to flood a victim with error packets.
 *
 * <p>Thread-safe: transfers finish on several event loops. Time comes in as monotonic nanos.
 */
public final class Admission {
    public enum Decision { ADMITTED, BUSY, RATE_LIMITED }

    /** Bound on remembered clients, so spoofed sources cannot grow the table without end. */
    static final int MAX_TRACKED = 16_384;

    private final int maxTransfers;
    private final int maxPerClient;
    private final double ratePerSecond;
    private final double burst;
    private final Map<InetAddress, Client> clients = new HashMap<>();
    private int active;

    private static final class Client {
        int active;
        double tokens;
        long refilledAt;
    }

    /**
     * @param ratePerSecond requests per second each client may make on average; 0 disables the rate limit
     * @param burst         requests a client may make at once
     */
    public Admission(int maxTransfers, int maxPerClient, double ratePerSecond, int burst) {
        this.maxTransfers = maxTransfers;
        this.maxPerClient = maxPerClient;
        this.ratePerSecond = ratePerSecond;
        this.burst = Math.max(1, burst);
    }

    /** Counts a request and, if it is admitted, reserves a transfer slot that {@link #release} frees. */
    public synchronized Decision tryAdmit(InetAddress client, long now) {
        Client c = clients.get(client);
        if (c == null) {
            if (clients.size() >= MAX_TRACKED) {
                prune(now);
            }
            c = new Client();
            c.tokens = burst;
            c.refilledAt = now;
            clients.put(client, c);
        }
        if (ratePerSecond > 0) {
            double elapsed = (now - c.refilledAt) / 1e9;
            c.tokens = Math.min(burst, c.tokens + elapsed * ratePerSecond);
            c.refilledAt = now;
            if (c.tokens < 1) {
                return Decision.RATE_LIMITED;
            }
            c.tokens -= 1;
        }
        if (active >= maxTransfers || c.active >= maxPerClient) {
            return Decision.BUSY;
        }
        active++;
        c.active++;
        return Decision.ADMITTED;
    }

    public synchronized void release(InetAddress client) {
        Client c = clients.get(client);
        if (c != null && c.active > 0) {
            c.active--;
            active--;
        }
    }

    public synchronized int active() {
        return active;
    }

    public synchronized int activeFor(InetAddress client) {
        Client c = clients.get(client);
        return c == null ? 0 : c.active;
    }

    private void prune(long now) {
        Iterator<Client> it = clients.values().iterator();
        while (it.hasNext()) {
            Client c = it.next();
            if (c.active == 0 && (ratePerSecond <= 0 || now - c.refilledAt > 60_000_000_000L)) {
                it.remove();
            }
        }
    }
}
