package org.sparetire.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.BindException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class BindFailuresTest {
    private final InetSocketAddress tftp = new InetSocketAddress("0.0.0.0", 69);

    @Test
    void privilegedPortGetsTheThreeRemedies() {
        assertThat(BindFailures.describe(tftp, "tftp.port", new BindException("Permission denied")))
                .isEqualTo("cannot bind 0.0.0.0:69: permission denied (run as root, grant CAP_NET_BIND_SERVICE, or set tftp.port)");
    }

    @Test
    void epollWordingIsRecognisedToo() {
        Exception epoll = new Exception("bind(..) failed: Address already in use");
        assertThat(BindFailures.describe(tftp, "tftp.port", epoll))
                .isEqualTo("cannot bind 0.0.0.0:69: address already in use (another program serves this port: stop it or set tftp.port)");
    }

    @Test
    void ipv6AddressesAreBracketed() {
        InetSocketAddress v6 = new InetSocketAddress("::1", 514);
        assertThat(BindFailures.describe(v6, "syslog.udp.port", new BindException("Cannot assign requested address")))
                .startsWith("cannot bind [::1]:514: no interface has this address");
    }
}
