package org.sparetire.tftp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparetire.core.net.Cidr;
import org.sparetire.tftp.codec.Mode;

class RequestPolicyTest {
    @TempDir
    Path dir;
    Path main;
    Path lab;
    final SharedFiles files = new SharedFiles();

    @BeforeEach
    void trees() throws Exception {
        main = Files.createDirectories(dir.resolve("main"));
        lab = Files.createDirectories(dir.resolve("lab"));
        Files.writeString(main.resolve("boot.cfg"), "main\n");
        Files.writeString(lab.resolve("boot.cfg"), "lab\n");
    }

    RequestPolicy policy(UploadInbox inbox) {
        return new RequestPolicy(new PathJail(main, SymlinkPolicy.INSIDE_ROOT, false, 255),
                List.of(new VirtualRoot(List.of(Cidr.parse("10.9.0.0/16")), lab)),
                new Remapper(true, List.of(new RemapRule("^old/", "", List.of(), false))),
                new AccessRules(List.of(Cidr.parse("10.0.0.0/8")), List.of(Cidr.parse("10.1.0.0/16"))), inbox, files);
    }

    static String read(FileSource s) throws Exception {
        ByteBuffer b = ByteBuffer.allocate((int) s.size());
        s.read(0, b);
        s.close();
        return new String(b.array(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void virtualRootsRemapAndNetascii() throws Exception {
        RequestPolicy p = policy(null);
        assertThat(read(p.read("boot.cfg", Mode.OCTET, InetAddress.getByName("10.2.3.4")).value().source()))
                .isEqualTo("main\n");
        assertThat(read(p.read("old\\boot.cfg", Mode.OCTET, InetAddress.getByName("10.9.3.4")).value().source()))
                .as("lab tree, backslash and remap").isEqualTo("lab\n");
        assertThat(read(p.read("boot.cfg", Mode.NETASCII, InetAddress.getByName("10.2.3.4")).value().source()))
                .isEqualTo("main\r\n");
        assertThat(files.openFiles()).isZero();
    }

    @Test
    void accessListsPerDirectionAndMailAndDisabledUploads() throws Exception {
        RequestPolicy p = policy(null);
        assertThat(p.read("boot.cfg", Mode.OCTET, InetAddress.getByName("192.0.2.1")).refusal())
                .isEqualTo(Refusal.accessViolation("client not allowed to read"));
        assertThat(p.read("boot.cfg", Mode.MAIL, InetAddress.getByName("10.2.3.4")).refusal().code()).isEqualTo(4);
        assertThat(p.write("x", Mode.OCTET, InetAddress.getByName("10.1.0.1"), -1, Instant.EPOCH).refusal())
                .isEqualTo(Refusal.accessViolation("uploads are disabled"));
        RequestPolicy withInbox = policy(new UploadInbox(dir.resolve("inbox"), ExistingUpload.OVERWRITE, 100,
                List.of(), List.of(), 255));
        assertThat(withInbox.write("x", Mode.OCTET, InetAddress.getByName("10.2.0.1"), -1, Instant.EPOCH).refusal())
                .isEqualTo(Refusal.accessViolation("client not allowed to write"));
        RequestPolicy.WriteGrant g = withInbox.write("x", Mode.NETASCII, InetAddress.getByName("10.1.0.1"), -1,
                Instant.EPOCH).value();
        g.sink().write(ByteBuffer.wrap("a\r\nb\r".getBytes(StandardCharsets.ISO_8859_1)));
        g.sink().write(ByteBuffer.wrap(new byte[] {0}));
        g.sink().commit();
        assertThat(Files.readString(dir.resolve("inbox/x"))).isEqualTo("a\nb\r");
    }
}
