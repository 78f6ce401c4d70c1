package org.sparetire.dhcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.testkit.NetNamespace;
import org.sparetire.testkit.PeerProgram;
import org.sparetire.testkit.PostgresCluster;

/**
 * Two DHCP servers on one segment sharing their leases through a real PostgreSQL: both answer every
 * DISCOVER and the database's claim on each address decides. Four namespaces joined by a bridge: server
 * A, server B, the clients, and the database (on the bridge itself). Checks, from the replies the clients
 * received and from the table: no address is ever ACKed to two MACs; after {@code kill -9} of either
 * server at random moments, every ACKed lease is in the table, the survivor keeps serving and clients
 * that ask again (INIT-REBOOT, to whichever server answers) keep their addresses; with the database
 * stopped for 10 s no ACK leaves, and service resumes by itself when it is back. What one server's
 * dashboard is shown ({@code DhcpService.leases()}) holds the leases the other one granted at once.
 */
class HaLeaseStoreIT {
    private static final int CYCLES = Integer.getInteger("sparetire.ha.cycles", 20);
    private static final Duration T = Duration.ofSeconds(10);
    @TempDir
    Path dir;

    private final Map<String, Set<String>> macsByIp = new HashMap<>();
    private final Map<String, String> ipByMac = new LinkedHashMap<>();
    private final List<String> violations = new ArrayList<>();
    private int nextMac;

    static String config(String iface, PostgresCluster pg) {
        return """
                dhcp:
                  enabled: true
                  interfaces: [%s]
                  rogue-check: {action: off}
                  lease-store:
                    type: postgresql
                    url: %s
                    user: %s
                    password-file: %s
                  subnets:
                    - network: 10.128.0.0/24
                      ranges: [{from: 10.128.0.10, to: 10.128.0.240}]
                      lease-time: 1h
                """.formatted(iface, pg.url(), pg.user(), pg.passwordFile());
    }

    @Test
    void twoServersShareLeasesThroughKillsAndADatabaseOutage() throws Exception {
        PeerProgram.require("ip", "iproute2");
        try (Namespaces nss = new Namespaces()) {
            NetNamespace seg = nss.create("haseg");
            NetNamespace a = nss.create("hasa");
            NetNamespace b = nss.create("hasb");
            NetNamespace cli = nss.create("hacl");
            seg.exec(T, "ip", "link", "add", "br0", "type", "bridge").assertSuccess();
            seg.exec(T, "ip", "addr", "add", "10.128.0.254/24", "dev", "br0").assertSuccess();
            seg.exec(T, "ip", "link", "set", "br0", "up").assertSuccess();
            Namespaces.link(a, "srv0", "10.128.0.1/24", seg, "pa", null);
            Namespaces.link(b, "srv0", "10.128.0.2/24", seg, "pb", null);
            Namespaces.link(cli, "cli0", "10.128.0.3/24", seg, "pc", null);
            for (String port : List.of("pa", "pb", "pc")) {
                seg.exec(T, "ip", "link", "set", port, "master", "br0").assertSuccess();
            }
            // Broadcasts to 255.255.255.255 need a route; the namespace has no other way out.
            cli.exec(T, "ip", "route", "add", "default", "dev", "cli0").assertSuccess();

            try (PostgresCluster pg = PostgresCluster.create(seg, "10.128.0.254", "sparetire");
                 Client client = Client.start(cli, dir.resolve("client.log"))) {
                NetNamespace[] where = {a, b};
                ServerProcess[] servers = {
                        ServerProcess.start(a, dir.resolve("a0"), config("srv0", pg)),
                        ServerProcess.start(b, dir.resolve("b0"), config("srv0", pg))};
                try {
                    // Many clients at once: both servers offer, each client picks one at random.
                    List<String> first = newMacs(60);
                    Map<String, String> got = record(client.run("dora 30 " + String.join(" ", first)));
                    assertThat(got.keySet()).as(client.transcript()).containsAll(first);
                    assertThat(servedBy(client.transcript())).as("both servers hand out leases").hasSize(2);
                    assertTableHoldsEveryAck(pg);
                    // What A's dashboard is shown comes from the shared store: B's leases are there at once.
                    List<String> byB = ackedBy(client.transcript(), "10.128.0.2");
                    assertThat(byB).isNotEmpty();
                    assertThat(servers[0].leases()).as("server A's leases").containsAll(byB);

                    Random random = new Random(28);
                    for (int cycle = 0; cycle < CYCLES; cycle++) {
                        int victim = random.nextInt(2);
                        List<String> fresh = newMacs(6);
                        List<String> again = sample(random, 9);
                        // Three clients that hold a lease start over with a DISCOVER: whichever server
                        // answers must offer the address the table holds for them (a move is a violation).
                        List<String> restart = again.subList(6, again.size());
                        again = again.subList(0, 6);
                        StringBuilder reboot = new StringBuilder("reboot 20");
                        again.forEach(m -> reboot.append(' ').append(m).append('=').append(ipByMac.get(m)));
                        client.send("dora 20 " + String.join(" ", fresh) + " " + String.join(" ", restart));
                        client.send(reboot.toString());
                        Thread.sleep(random.nextInt(600));
                        servers[victim].kill9();
                        Map<String, String> acked = record(client.await(2));
                        assertThat(acked.keySet()).as("cycle " + cycle + ": the survivor serves\n" + client.transcript())
                                .containsAll(fresh).containsAll(again).containsAll(restart);
                        servers[victim] = ServerProcess.start(where[victim], dir.resolve("s" + victim + "c" + cycle),
                                config("srv0", pg));
                    }
                    assertTableHoldsEveryAck(pg);

                    // The database goes away for 10 s: no ACK at all, then service resumes without a restart.
                    pg.stop();
                    List<String> during = newMacs(8);
                    Map<String, String> outage = record(client.run("dora 10 " + String.join(" ", during)));
                    assertThat(outage).as("ACKs while the database was down\n" + client.transcript()).isEmpty();
                    pg.start();
                    Map<String, String> after = record(client.run("dora 40 " + String.join(" ", during)));
                    assertThat(after.keySet()).as(client.transcript()).containsAll(during);
                    assertTableHoldsEveryAck(pg);
                    for (ServerProcess s : servers) {
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                        while (!s.output().contains("reachable again after") && System.nanoTime() < deadline) {
                            Thread.sleep(100);
                        }
                        String out = s.output();
                        // Once per outage: one log line and one event, however many replies were withheld.
                        assertThat(count(out, "ERROR .*lease store postgresql \\S+ unreachable")).as(out).isEqualTo(1);
                        assertThat(count(out, "WARNING lease store postgresql \\S+ unreachable")).as(out).isEqualTo(1);
                        assertThat(count(out, "WARNING lease store postgresql \\S+ reachable again after")).as(out)
                                .isEqualTo(1);
                    }
                    assertThat(violations).as(client.transcript()).isEmpty();

                    // sparetire dhcp leases reads the shared table (the password from its file, never shown).
                    Path config = dir.resolve("a0/sparetire.yaml");
                    String report = String.join("\n", client.run("leases 0 " + config));
                    assertThat(report).contains(ipByMac.size() + " leases held now in postgresql " + pg.url())
                            .doesNotContain(Files.readString(pg.passwordFile()).strip());
                    ipByMac.forEach((mac, ip) -> assertThat(report).containsPattern(
                            java.util.regex.Pattern.quote(ip) + " +bound +" + java.util.regex.Pattern.quote(mac)));
                } finally {
                    for (ServerProcess s : servers) {
                        if (s != null) {
                            s.close();
                        }
                    }
                }
            }
        }
    }

    private List<String> newMacs(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int v = nextMac++;
            out.add(String.format(Locale.ROOT, "52:54:28:%02x:%02x:%02x", (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff));
        }
        return out;
    }

    private List<String> sample(Random random, int n) {
        List<String> all = new ArrayList<>(ipByMac.keySet());
        List<String> out = new ArrayList<>();
        while (out.size() < n && !all.isEmpty()) {
            out.add(all.remove(random.nextInt(all.size())));
        }
        return out;
    }

    /** Every ACK a client received: one MAC per address ever, one address per MAC ever (leases last an hour). */
    private Map<String, String> record(List<String> lines) {
        Map<String, String> acked = new LinkedHashMap<>();
        for (String line : lines) {
            String[] w = line.split(" ");
            if (!w[0].equals("ACK")) {
                continue;
            }
            String mac = w[1];
            String ip = w[2];
            acked.put(mac, ip);
            Set<String> holders = macsByIp.computeIfAbsent(ip, k -> new HashSet<>());
            holders.add(mac);
            if (holders.size() > 1) {
                violations.add(ip + " ACKed to " + holders);
            }
            String before = ipByMac.putIfAbsent(mac, ip);
            if (before != null && !before.equals(ip)) {
                violations.add(mac + " moved from " + before + " to " + ip);
            }
        }
        return acked;
    }

    private void assertTableHoldsEveryAck(PostgresCluster pg) throws IOException, InterruptedException {
        Map<String, String> rows = new HashMap<>();
        for (String row : pg.sql("SELECT address, mac FROM dhcp_lease WHERE state = 'bound' AND expires > now()")) {
            String[] c = row.split("\\|");
            rows.put(c[1], c[0]);
        }
        assertThat(rows).containsAllEntriesOf(ipByMac);
        assertThat(pg.sql("SELECT address FROM dhcp_lease GROUP BY address HAVING count(DISTINCT mac) > 1")).isEmpty();
    }

    private static Set<String> servedBy(String transcript) {
        Set<String> servers = new HashSet<>();
        for (String line : transcript.split("\n")) {
            if (line.startsWith("ACK ")) {
                servers.add(line.split(" ")[3]);
            }
        }
        return servers;
    }

    /** "mac ip bound" for each ACK this server (by its server identifier) sent. */
    private static List<String> ackedBy(String transcript, String server) {
        List<String> out = new ArrayList<>();
        for (String line : transcript.split("\n")) {
            String[] w = line.split(" ");
            if (w[0].equals("ACK") && w[3].equals(server)) {
                out.add(w[1] + " " + w[2] + " bound");
            }
        }
        return out;
    }

    private static int count(String text, String regex) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The many-clients JVM ({@link HaClientMain}) in the client namespace, fed commands on stdin. */
    static final class Client implements AutoCloseable {
        private final Process process;
        private final Writer in;
        private final BufferedReader out;
        private final StringBuilder transcript = new StringBuilder();

        private Client(Process process) {
            this.process = process;
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        static Client start(NetNamespace ns, Path errors) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder("ip", "netns", "exec", ns.name(), java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
                    "-cp", ServerProcess.classpath(), HaClientMain.class.getName())
                    .redirectError(errors.toFile()).start();
            return new Client(p);
        }

        void send(String command) throws IOException {
            in.write(command + "\n");
            in.flush();
        }

        List<String> run(String command) throws IOException {
            send(command);
            return await(1);
        }

        /** The lines up to the {@code n}th DONE. */
        List<String> await(int n) throws IOException {
            List<String> lines = new ArrayList<>();
            int done = 0;
            while (done < n) {
                String line = out.readLine();
                if (line == null) {
                    throw new AssertionError("client exited:\n" + transcript);
                }
                transcript.append(line).append('\n');
                if (line.equals("DONE")) {
                    done++;
                } else {
                    lines.add(line);
                }
            }
            return lines;
        }

        String transcript() {
            return transcript.toString();
        }

        @Override
        public void close() throws InterruptedException {
            try {
                in.close();
            } catch (IOException ignored) {
                // gone already
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
