package org.sparetire.tftp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparetire.core.net.Cidr;

class RemapperTest {
    @Test
    void rulesRewriteInOrderPerClient() throws Exception {
        Remapper r = new Remapper(true, List.of(
                new RemapRule("^pxelinux\\.cfg/01-(.*)$", "hosts/$1.cfg", List.of(), true),
                new RemapRule("^firmware/", "fw/lab/", List.of(Cidr.parse("10.9.0.0/16")), false),
                new RemapRule("\\.BIN$", ".bin", List.of(), false)));
        InetAddress lab = InetAddress.getByName("10.9.1.2");
        InetAddress other = InetAddress.getByName("192.0.2.1");
        assertThat(r.apply("\\Boot\\BCD", other)).isEqualTo("/Boot/BCD");
        assertThat(r.apply("pxelinux.cfg/01-aa-bb", other)).isEqualTo("hosts/aa-bb.cfg");
        assertThat(r.apply("firmware/x.BIN", lab)).isEqualTo("fw/lab/x.bin");
        assertThat(r.apply("firmware/x.BIN", other)).isEqualTo("firmware/x.bin");
        assertThat(new Remapper(false, List.of()).apply("a\\b", other)).isEqualTo("a\\b");
    }
}
