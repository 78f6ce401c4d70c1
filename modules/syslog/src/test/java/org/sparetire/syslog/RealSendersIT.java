package org.sparetire.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparetire.testkit.PeerProgram;

/**
 * Senders nobody here wrote: util-linux {@code logger} in every transport and format it offers, and
 * busybox {@code syslogd -R} relaying what busybox {@code logger} writes to its /dev/log. Every message
 * must land in the sender's file with the right fields.
 */
class RealSendersIT {
    private static final int COUNT = 200;

    @TempDir
    Path dir;

    private static String hostname() throws Exception {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    }

    @ParameterizedTest(name = "logger {0} {1} {2}")
    @CsvSource({
            "--udp, --rfc3164, ''",
            "--udp, --rfc5424, ''",
            "--tcp, --rfc3164, ''",
            "--tcp, --rfc5424, ''",
            "--tcp, --rfc3164, --octet-count",
            "--tcp, --rfc5424, --octet-count",
    })
    void utilLinuxLogger(String transport, String format, String framing) throws Exception {
        Path logger = PeerProgram.require("logger", "bsdutils");
        try (Collector c = new Collector(dir, "tcp: {enabled: true, port: 0}")) {
            int port = transport.equals("--udp") ? c.udpPort() : c.tcpPort();
            String tag = "peer" + transport.substring(2) + format.substring(5) + (framing.isEmpty() ? "" : "oc");
            String input = IntStream.range(0, COUNT).mapToObj(i -> "message " + i + " from " + tag + " caf\u00e9")
                    .collect(Collectors.joining("\n", "", "\n"));
            List<String> cmd = new ArrayList<>(List.of(logger.toString(), transport, format, "-n", "127.0.0.1",
                    "-P", Integer.toString(port), "-t", tag, "-p", "local5.warning"));
            if (!framing.isEmpty()) {
                cmd.add(framing);
            }
            PeerProgram.run(Duration.ofSeconds(20), null, input, cmd.toArray(String[]::new)).assertSuccess();
            List<String> lines = c.awaitLines("127.0.0.1.log", COUNT);
            assertThat(lines).hasSize(COUNT);
            // logger sends the short name in RFC 3164 and the node name (possibly qualified) in RFC 5424.
            String shortName = hostname().split("\\.")[0];
            for (int i = 0; i < COUNT; i++) {
                String line = lines.get(i);
                String[] f = line.split(" ", 6);
                assertThat(f[1]).as(line).isEqualTo("127.0.0.1");
                assertThat(f[2]).as(line).isEqualTo("local5.warning");
                if (format.equals("--rfc3164")) {
                    assertThat(f[3]).as(line).isEqualTo(shortName);
                } else {
                    assertThat(f[3]).as(line).matches(java.util.regex.Pattern.quote(shortName) + "(\\..+)?");
                }
                assertThat(f[4]).as(line).isEqualTo(tag);
                // logger --rfc5424 adds its timeQuality structured data in front of the text.
                assertThat(f[5]).as(line).endsWith("message " + i + " from " + tag + " caf\u00e9");
            }
            assertThat(Files.readAllLines(c.file("all.log"))).hasSize(COUNT);
        }
    }

    /**
     * busybox syslogd runs in a private mount namespace with its own /dev (so its /dev/log never touches the
     * machine's), relays to our UDP port, and busybox logger writes to that /dev/log.
     */
    @Test
    void busyboxSyslogdRelays() throws Exception {
        PeerProgram.require("busybox", "busybox");
        PeerProgram.require("unshare", "util-linux");
        try (Collector c = new Collector(dir, "")) {
            Path script = dir.resolve("relay.sh");
            Files.writeString(script, """
                    set -e
                    t=$(mktemp -d)
                    touch "$t/null"
                    mount --bind /dev/null "$t/null"
                    mount -t tmpfs tmpfs /dev
                    touch /dev/null
                    mount --bind "$t/null" /dev/null
                    busybox syslogd -n -R 127.0.0.1:%d -O "$t/local" &
                    pid=$!
                    i=0
                    while [ ! -S /dev/log ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
                    n=0
                    while [ $n -lt %d ]; do
                      busybox logger -t bbtag -p daemon.err "busybox says $n"
                      n=$((n+1))
                    done
                    sleep 0.5
                    kill $pid
                    wait $pid || true
                    """.formatted(c.udpPort(), 50));
            PeerProgram.run(Duration.ofSeconds(60), "unshare", "--mount", "--propagation", "private", "sh",
                    script.toString()).assertSuccess();
            List<String> lines = c.awaitLines("127.0.0.1.log", 50);
            assertThat(lines).hasSize(50);
            for (int i = 0; i < 50; i++) {
                assertThat(lines.get(i)).matches("\\S+Z 127\\.0\\.0\\.1 daemon\\.err - bbtag busybox says " + i);
            }
        }
    }
}
