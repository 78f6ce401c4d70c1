package org.sparetire.syslog.transport;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.sparetire.core.net.Addresses;
import org.sparetire.syslog.SyslogConfig;
import org.sparetire.syslog.codec.Rfc5424Encoder;
import org.sparetire.syslog.policy.DeviceNaming;
import org.sparetire.syslog.store.Received;
import org.sparetire.syslog.store.SyslogCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a copy of every message to one upstream collector, from its own thread and its own bounded queue:
 * a down or slow upstream fills only that queue, after which new copies are dropped and counted, and
 * local filing never waits. TCP uses octet counting (RFC 6587 section 3.4.1), which survives newlines in
 * messages, and reconnects with backoff (1 s doubling to 30 s); UDP is fire and forget (RFC 5426).
 */
public final class Forwarder {
    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);
    private static final long MAX_BACKOFF_MS = 30_000;

    private final SyslogConfig.Forward config;
    private final InetSocketAddress target;
    private final ArrayBlockingQueue<byte[]> queue;
    private final SyslogCounters counters;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Socket socket;

    public Forwarder(SyslogConfig.Forward config, SyslogCounters counters) {
        this.config = config;
        this.target = new InetSocketAddress(config.host(), config.port());
        this.queue = new ArrayBlockingQueue<>(config.queue());
        this.counters = counters;
        this.thread = new Thread(this::run, "syslog-forward-" + Addresses.format(target));
        this.thread.setDaemon(true);
    }

    public SyslogConfig.Forward config() {
        return config;
    }

    public void start() {
        thread.start();
    }

    /** Called by the writer thread; never blocks. */
    public void offer(Received r) {
        byte[] bytes = config.format() == SyslogConfig.ForwardFormat.RAW ? r.raw()
                : Rfc5424Encoder.encode(r.message(), r.at(), DeviceNaming.printable(r.sender().getAddress()));
        if (!queue.offer(bytes)) {
            counters.forwardDropped.increment();
        }
    }

    private void run() {
        try {
            if (config.protocol() == SyslogConfig.Protocol.UDP) {
                runUdp();
            } else {
                runTcp();
            }
        } catch (InterruptedException e) {
            // stop() ran out of grace
        }
    }

    private void runUdp() throws InterruptedException {
        try (DatagramSocket s = new DatagramSocket()) {
            boolean failing = false;
            while (!(stopping && queue.isEmpty())) {
                byte[] m = queue.poll(100, TimeUnit.MILLISECONDS);
                if (m == null) {
                    continue;
                }
                try {
                    s.send(new DatagramPacket(m, m.length, target));
                    counters.forwarded.increment();
                    if (failing) {
                        failing = false;
                        log.info("syslog forward {}: sending again", Addresses.format(target));
                    }
                } catch (IOException e) {
                    counters.forwardDropped.increment();
                    if (!failing) {
                        failing = true;
                        log.warn("syslog forward {}: {} (dropping until it works again)", Addresses.format(target),
                                e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            log.warn("syslog forward {}: cannot open a UDP socket: {}", Addresses.format(target), e.getMessage());
        }
    }

    private void runTcp() throws InterruptedException {
        long backoff = 1000;
        boolean reported = false;
        byte[] unsent = null;
        while (!(stopping && queue.isEmpty() && unsent == null)) {
            Socket s = new Socket();
            try {
                s.connect(target, 5000);
                s.setKeepAlive(true);
                socket = s;
                if (reported) {
                    log.info("syslog forward {}: connected again", Addresses.format(target));
                } else {
                    log.info("syslog forward {}: connected", Addresses.format(target));
                }
                reported = false;
                backoff = 1000;
                OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
                while (!(stopping && queue.isEmpty() && unsent == null)) {
                    byte[] m = unsent != null ? unsent : queue.poll(100, TimeUnit.MILLISECONDS);
                    if (m == null) {
                        out.flush();
                        continue;
                    }
                    unsent = m;
                    out.write((m.length + " ").getBytes(StandardCharsets.US_ASCII));
                    out.write(m);
                    if (queue.isEmpty()) {
                        out.flush();
                    }
                    unsent = null;
                    counters.forwarded.increment();
                }
                out.flush();
                s.close();
                return;
            } catch (IOException e) {
                closeQuietly(s);
                if (!reported) {
                    reported = true;
                    log.warn("syslog forward {}: {}; retrying, up to {} messages wait", Addresses.format(target),
                            e.getMessage(), config.queue());
                }
                if (stopping) {
                    long dropped = queue.size() + (unsent == null ? 0 : 1);
                    counters.forwardDropped.add(dropped);
                    queue.clear();
                    return;
                }
                Thread.sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing a socket that failed
        }
    }

    /** Sends what is queued for at most {@code grace}, then gives up on the rest (counted as dropped). */
    public void stop(Duration grace) {
        stopping = true;
        if (thread.getState() == Thread.State.NEW) {
            return;
        }
        try {
            thread.join(Math.max(1, grace.toMillis()));
            if (thread.isAlive()) {
                counters.forwardDropped.add(queue.size());
                queue.clear();
                Socket s = socket;
                if (s != null) {
                    closeQuietly(s);
                }
                thread.interrupt();
                thread.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
