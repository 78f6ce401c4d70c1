package org.sparetire.syslog;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A collector on loopback in a child JVM, so a test can SIGKILL it: {@code CollectorMain DIR STATUS} files
 * into DIR/logs, writes "READY udpPort" to STATUS once bound, and stops in order when stdin closes.
 */
public final class CollectorMain {
    private CollectorMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path status = Path.of(args[1]);
        try (Collector c = new Collector(dir, "udp: {port: 0}\n")) {
            Path tmp = status.resolveSibling(status.getFileName() + ".tmp");
            Files.writeString(tmp, "READY " + c.udpPort() + "\n");
            Files.move(tmp, status, StandardCopyOption.ATOMIC_MOVE);
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                while (in.readLine() != null) {
                    // stdin closing is the stop signal
                }
            }
        }
    }
}
