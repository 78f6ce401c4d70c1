package org.sparetire.tftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.tftp.TftpConfig;
import org.sparetire.tftp.codec.Ack;
import org.sparetire.tftp.codec.Data;
import org.sparetire.tftp.codec.ErrorPacket;
import org.sparetire.tftp.codec.Mode;
import org.sparetire.tftp.codec.WriteRequest;
import org.sparetire.tftp.policy.ExistingUpload;

/** Requests from a client that means harm, on real loopback sockets. */
class HostileRequestsIT {
    @TempDir
    Path dir;

    @Test
    void uploadNamesWithShellCharactersAreRefusedAndTheLongestAllowedNameIsStored() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path inbox = dir.resolve("inbox");
        try (RunningServer s = new RunningServer(root, c -> c.withUploads(new TftpConfig.Uploads(true, inbox,
                ExistingUpload.OVERWRITE, 1 << 20, List.of(), List.of()))); RawPeer a = new RawPeer()) {
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", s.port());
            for (String name : List.of("$(id)", "|id", "*", "`id`")) {
                a.send(new WriteRequest(name, Mode.OCTET), server);
                assertThat(a.receive()).as(name).isEqualTo(
                        new ErrorPacket(2, "upload names may use only letters, digits, '.', '_' and '-'"));
            }
            String longest = "c".repeat(251) + ".cfg";
            a.send(new WriteRequest(longest, Mode.OCTET), server);
            assertThat(a.receive()).isEqualTo(new Ack(0));
            a.send(Data.of(1, "hostname sw1\n".getBytes()), a.lastFrom);
            assertThat(a.receive()).isEqualTo(new Ack(1));
            assertThat(Files.readString(inbox.resolve(longest))).isEqualTo("hostname sw1\n");
            try (Stream<Path> files = Files.list(inbox)) {
                assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(longest);
            }
        }
    }
}
