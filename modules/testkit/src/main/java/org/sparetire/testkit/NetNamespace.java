package org.sparetire.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace this test creates and deletes, joined to the root namespace (or to another
 * namespace) by a veth pair: the only place DHCP broadcast tests may send traffic. Needs root.
 *
 * <pre>
 * try (NetNamespace ns = NetNamespace.create("dhcpc")) {
 *     ns.linkToHost("10.77.0.1/24", null);   // host side gets 10.77.0.1, namespace side unnumbered
 *     ns.exec(Duration.ofSeconds(20), "udhcpc", "-i", ns.innerInterface(), ...);
 * }
 * </pre>
 */
public final class NetNamespace implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final String hostInterface;
    private final String innerInterface;
    private final List<String> cleanup = new ArrayList<>();

    private NetNamespace(String name, String hostInterface, String innerInterface) {
        this.name = name;
        this.hostInterface = hostInterface;
        this.innerInterface = innerInterface;
    }

    /**
     * Creates {@code st-<label>-<pid>-<n>}; interface names stay within Linux's 15 characters.
     */
    public static NetNamespace create(String label) throws IOException, InterruptedException {
        PeerProgram.require("ip", "iproute2");
        int n = SEQUENCE.incrementAndGet();
        long pid = ProcessHandle.current().pid() % 100000;
        String name = "st-" + label + "-" + pid + "-" + n;
        String suffix = Long.toString(pid, 36) + n;
        NetNamespace ns = new NetNamespace(name, "sth" + suffix, "stn" + suffix);
        ip("netns", "add", name);
        ns.exec(IP_TIMEOUT, "ip", "link", "set", "lo", "up").assertSuccess();
        return ns;
    }

    public String name() {
        return name;
    }

    /** The veth end in the root namespace, where the server under test listens. */
    public String hostInterface() {
        return hostInterface;
    }

    /** The veth end inside the namespace, where the peer program runs. */
    public String innerInterface() {
        return innerInterface;
    }

    /**
     * Joins this namespace to the root namespace by a veth pair.
     *
     * @param hostCidr  address for the host end, e.g. {@code 10.77.0.1/24}, or null for none
     * @param innerCidr address for the namespace end, or null (a DHCP client will configure it)
     */
    public NetNamespace linkToHost(String hostCidr, String innerCidr) throws IOException, InterruptedException {
        ip("link", "add", hostInterface, "type", "veth", "peer", "name", innerInterface);
        cleanup.add(hostInterface);
        ip("link", "set", innerInterface, "netns", name);
        if (hostCidr != null) {
            ip("addr", "add", hostCidr, "dev", hostInterface);
        }
        ip("link", "set", hostInterface, "up");
        if (innerCidr != null) {
            exec(IP_TIMEOUT, "ip", "addr", "add", innerCidr, "dev", innerInterface).assertSuccess();
        }
        exec(IP_TIMEOUT, "ip", "link", "set", innerInterface, "up").assertSuccess();
        return this;
    }

    /** Runs a command inside the namespace. */
    public PeerProgram.Result exec(Duration timeout, String... command) throws IOException, InterruptedException {
        return PeerProgram.run(timeout, PeerProgram.concat(List.of("ip", "netns", "exec", name), command)
                .toArray(String[]::new));
    }

    /** Starts a long-running command inside the namespace. */
    public PeerProgram.Background start(java.nio.file.Path log, String... command) throws IOException {
        return PeerProgram.start(log, PeerProgram.concat(List.of("ip", "netns", "exec", name), command)
                .toArray(String[]::new));
    }

    /**
     * Waits until a socket in this namespace is bound to the UDP port, which is when a daemon started here
     * can take its first datagram; fails with the daemon's output if it exits first or the limit passes.
     */
    public void awaitUdpPort(int port, PeerProgram.Background daemon, Duration limit)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (exec(IP_TIMEOUT, "ss", "-H", "-l", "-u", "-n", "sport = :" + port).assertSuccess().stdout().isBlank()) {
            if (!daemon.isAlive()) {
                throw new AssertionError("exited before it bound UDP port " + port + ":\n" + daemon.output());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nothing bound UDP port " + port + " in " + name + " within " + limit + ":\n"
                        + daemon.output());
            }
            Thread.sleep(20);
        }
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        PeerProgram.run(IP_TIMEOUT, cmd.toArray(String[]::new)).assertSuccess();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (String link : cleanup) {
            PeerProgram.run(IP_TIMEOUT, "ip", "link", "del", link);
        }
        PeerProgram.run(IP_TIMEOUT, "ip", "netns", "del", name);
    }
}
