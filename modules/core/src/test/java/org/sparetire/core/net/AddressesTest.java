package org.sparetire.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressesTest {
    @ParameterizedTest
    @CsvSource({
        "0.0.0.0, 69, 0.0.0.0:69",
        "::, 69, [::]:69",
        "::1, 514, [::1]:514",
        "2001:db8:0:0:1:0:0:1, 67, [2001:db8::1:0:0:1]:67",
        "fe80:0:0:0:0:0:0:1, 4011, [fe80::1]:4011",
        "2001:db8:1:2:3:4:5:6, 69, [2001:db8:1:2:3:4:5:6]:69",
    })
    void formatsLikePeopleWriteAddresses(String address, int port, String expected) {
        assertThat(Addresses.format(new InetSocketAddress(Addresses.parseNumeric(address), port))).isEqualTo(expected);
    }
}
