package org.sparetire.dhcp.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.sparetire.core.lifecycle.ServiceStartException;

class SocketPlacementTest {
    @Test
    void linuxWithEpollTiesTheSocketToTheInterface() throws Exception {
        assertThat(SocketPlacement.choose("Linux", true, "eth1")).isEqualTo(SocketPlacement.DEVICE);
    }

    @Test
    void linuxOnNioRefusesAndNamesTheTransportThatWorks() {
        assertThatThrownBy(() -> SocketPlacement.choose("Linux", false, "eth1")).isInstanceOf(ServiceStartException.class)
                .hasMessage("cannot serve eth1 on the NIO transport: Linux delivers broadcast requests only to a socket "
                        + "tied to the interface (SO_BINDTODEVICE), which takes the epoll transport; set "
                        + "lifecycle.io-transport: auto (TFTP, syslog and the dashboard run on either)");
    }

    @Test
    void windowsBindsToTheInterfaceAddressOnAnyTransport() throws Exception {
        assertThat(SocketPlacement.choose("Windows 11", false, "Ethernet 2")).isEqualTo(SocketPlacement.ADDRESS);
        assertThat(SocketPlacement.choose("Windows Server 2022", false, "eth0")).isEqualTo(SocketPlacement.ADDRESS);
    }

    @Test
    void macOsAndTheBsdsRefuseInOneLineThatSaysWhatWorks() {
        for (String os : new String[] {"Mac OS X", "FreeBSD", "OpenBSD"}) {
            assertThatThrownBy(() -> SocketPlacement.choose(os, false, "en7")).isInstanceOf(ServiceStartException.class)
                    .hasMessageStartingWith("cannot serve en7 on " + os + ": it delivers broadcast requests only to a "
                            + "socket bound to 0.0.0.0")
                    .hasMessageContaining("TFTP, syslog and the dashboard work here")
                    .hasMessageNotContaining("\n");
        }
    }
}
