package org.sparetire.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster from Debian's {@code postgresql} package: {@code initdb} in a temp folder
 * owned by the {@code postgres} user (initdb refuses root), started with {@code pg_ctl} inside a network
 * namespace the test created (listening on an address there, so nothing outside can reach it), stopped and
 * deleted by {@link #close()}. The test itself talks to it with {@code psql} over the Unix socket in that
 * folder, which works across namespaces.
 *
 * <pre>
 * try (PostgresCluster pg = PostgresCluster.create(ns, "10.128.0.254", "sparetire")) {
 *     pg.url();             // jdbc:postgresql://10.128.0.254:5432/sparetire
 *     pg.passwordFile();    // for dhcp.lease-store.password-file
 *     pg.sql("SELECT count(*) FROM dhcp_lease");
 * }
 * </pre>
 */
public final class PostgresCluster implements AutoCloseable {
    private static final Duration T = Duration.ofSeconds(60);
    private static final String OWNER = "postgres";
    /** Inside a namespace of its own, the standard port is free. */
    private static final int PORT = 5432;

    private final NetNamespace ns;
    private final String listen;
    private final String database;
    private final Path dir;
    private final Path bin;
    private boolean running;

    private PostgresCluster(NetNamespace ns, String listen, String database, Path dir, Path bin) {
        this.ns = ns;
        this.listen = listen;
        this.database = database;
        this.dir = dir;
        this.bin = bin;
    }

    /** initdb, a database and a user {@code database} with a random password, then start. Needs root. */
    public static PostgresCluster create(NetNamespace ns, String listen, String database)
            throws IOException, InterruptedException {
        Path bin = binaries();
        PeerProgram.require("runuser", "util-linux");
        Path dir = Files.createTempDirectory("sparetire-pg");
        PostgresCluster pg = new PostgresCluster(ns, listen, database, dir, bin);
        try {
            String password = Long.toHexString(Double.doubleToLongBits(Math.random())) + Long.toHexString(System.nanoTime());
            Path pw = dir.resolve("initdb-password");
            Files.writeString(pw, password + "\n");
            Files.writeString(pg.passwordFile(), password + "\n");
            Files.setPosixFilePermissions(pg.passwordFile(), PosixFilePermissions.fromString("rw-------"));
            PeerProgram.run(T, "chown", OWNER, dir.toString(), pw.toString()).assertSuccess();
            pg.asOwner(false, bin.resolve("initdb").toString(), "-D", pg.data().toString(), "-U", database,
                    "--pwfile=" + pw, "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "-E", "UTF8")
                    .assertSuccess();
            Files.delete(pw);
            Files.writeString(pg.data().resolve("pg_hba.conf"), "host all all " + listen + "/24 scram-sha-256\n",
                    java.nio.file.StandardOpenOption.APPEND);
            pg.start();
            pg.asOwner(false, bin.resolve("createdb").toString(), "-h", dir.toString(), "-p", String.valueOf(PORT),
                    "-U", database, database).assertSuccess();
            return pg;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            pg.close();
            throw e;
        }
    }

    private static Path binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString())))
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("PostgreSQL is not installed under " + root
                    + " (apt-get install postgresql; scripts/test installs it)");
        }
    }

    public String url() {
        return "jdbc:postgresql://" + listen + ":" + PORT + "/" + database;
    }

    public String user() {
        return database;
    }

    /** The password, alone in a file only root reads. */
    public Path passwordFile() {
        return dir.resolve("password");
    }

    private Path data() {
        return dir.resolve("data");
    }

    /** Starts the server and waits until it takes connections. */
    public void start() throws IOException, InterruptedException {
        asOwner(true, bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", "-c listen_addresses=" + listen + " -p " + PORT + " -k " + dir
                        + " -c max_connections=30 -c shared_buffers=16MB", "start").assertSuccess();
        running = true;
    }

    /** Stops the server at once (fast shutdown: sessions are cut, as when the database host goes away). */
    public void stop() throws IOException, InterruptedException {
        asOwner(true, bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "-w", "stop")
                .assertSuccess();
        running = false;
    }

    /** Runs one statement with psql over the Unix socket; rows come back one a line, columns split by '|'. */
    public List<String> sql(String statement) throws IOException, InterruptedException {
        PeerProgram.Result r = asOwner(false, bin.resolve("psql").toString(), "-h", dir.toString(), "-p",
                String.valueOf(PORT), "-U", database, "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", statement)
                .assertSuccess();
        List<String> rows = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            if (!line.isBlank()) {
                rows.add(line);
            }
        }
        return rows;
    }

    public String log() throws IOException {
        Path log = dir.resolve("server.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private PeerProgram.Result asOwner(boolean inNamespace, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (inNamespace && ns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", ns.name()));
        }
        cmd.addAll(List.of("runuser", "-u", OWNER, "--"));
        cmd.addAll(List.of(command));
        return PeerProgram.run(T, dir, null, cmd.toArray(String[]::new));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (running) {
            try {
                stop();
            } catch (AssertionError e) {
                // already stopped
            }
        }
        PeerProgram.run(T, "rm", "-rf", dir.toString());
    }
}
