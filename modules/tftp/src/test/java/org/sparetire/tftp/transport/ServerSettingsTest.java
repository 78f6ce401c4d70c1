package org.sparetire.tftp.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparetire.core.net.Cidr;
import org.sparetire.tftp.session.OptionNegotiation;

class ServerSettingsTest {
    @Test
    void perSubnetCapLowersBlksizeForThoseClientsOnly() throws Exception {
        OptionNegotiation.Limits base = new OptionNegotiation.Limits(65464, 64, Duration.ofSeconds(1), 5, false);
        ServerSettings s = new ServerSettings(null, null, base,
                List.of(new ServerSettings.Cap(List.of(Cidr.parse("10.8.0.0/16")), 1388)), List.of(), false, 0, 0,
                Duration.ofSeconds(1), Duration.ZERO);
        assertThat(s.limitsFor(InetAddress.getByName("10.8.1.1")).maxBlksize()).isEqualTo(1388);
        assertThat(s.limitsFor(InetAddress.getByName("10.9.1.1"))).isSameAs(base);
    }
}
