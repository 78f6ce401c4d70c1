package org.sparetire.dhcp.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sparetire.testkit.NetNamespace;

/** A DhcpService in a child JVM inside a namespace this test created; stopped or SIGKILLed by its own pid. */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final Path log;
    private int port = -1;
    private int proxyPort = -1;

    private ServerProcess(Process process, Path dir, Path log) {
        this.process = process;
        this.dir = dir;
        this.log = log;
    }

    static String classpath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /** Starts the server with this {@code dhcp:} YAML and waits until it is bound (or failed). */
    static ServerProcess start(NetNamespace ns, Path dir, String yaml) throws IOException, InterruptedException {
        return start(ns, dir, yaml, System.getProperty("sparetire.dhcp.log", "INFO"));
    }

    static ServerProcess start(NetNamespace ns, Path dir, String yaml, String logLevel)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path config = dir.resolve("sparetire.yaml");
        Files.writeString(config, yaml);
        Path status = dir.resolve("status");
        Files.deleteIfExists(status);
        Path log = dir.resolve("server.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns.name(), java, "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-Dsparetire.dhcp.log=" + logLevel,
                "-cp", classpath(), ServerMain.class.getName(), config.toString(), status.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ServerProcess s = new ServerProcess(p, dir, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.exists(status)) {
                String[] st = Files.readString(status).trim().split(" ", 2);
                if (st[0].equals("READY")) {
                    String[] ports = st[1].split(" ");
                    s.port = Integer.parseInt(ports[0]);
                    s.proxyPort = Integer.parseInt(ports[1]);
                    return s;
                }
                s.process.waitFor(5, TimeUnit.SECONDS);
                throw new StartFailed(st.length > 1 ? st[1] : "", s.output());
            }
            if (!p.isAlive()) {
                throw new AssertionError("server exited before it was ready:\n" + s.output());
            }
            Thread.sleep(50);
        }
        s.close();
        throw new AssertionError("server not ready within 30s:\n" + s.output());
    }

    /** The server refused to start; {@link #getMessage()} is its one-line reason. */
    static final class StartFailed extends AssertionError {
        final String output;

        StartFailed(String reason, String output) {
            super(reason);
            this.output = output;
        }
    }

    int port() {
        return port;
    }

    int proxyPort() {
        return proxyPort;
    }

    long pid() {
        return process.pid();
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** "mac ip state" for every lease {@code DhcpService.leases()} answers now (the dashboard's source). */
    List<String> leases() throws IOException, InterruptedException {
        String tag = Long.toString(System.nanoTime());
        process.getOutputStream().write(("leases " + tag + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!output().contains("LEASES-DONE " + tag)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no answer to leases within 15s:\n" + output());
            }
            Thread.sleep(50);
        }
        List<String> out = new ArrayList<>();
        for (String line : output().split("\n")) {
            if (line.startsWith("LEASE " + tag + " ")) {
                out.add(line.substring(("LEASE " + tag + " ").length()));
            }
        }
        return out;
    }

    /** SIGKILL the JVM itself (a child of `ip netns exec`, which execs into it). */
    void kill9() throws InterruptedException {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            try {
                process.getOutputStream().close(); // stdin EOF: orderly stop
            } catch (IOException ignored) {
                // already gone
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill9();
            }
        }
    }

    Path dir() {
        return dir;
    }
}
