package org.sparetire.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CidrTest {
    @Test
    void containsAddressesOfItsNetworkOnly() {
        Cidr lan = Cidr.parse("192.168.50.77/24");
        assertThat(lan.toString()).isEqualTo("192.168.50.0/24");
        assertThat(lan.contains(Addresses.parseNumeric("192.168.50.254"))).isTrue();
        assertThat(lan.contains(Addresses.parseNumeric("192.168.51.1"))).isFalse();
        assertThat(lan.contains(Addresses.parseNumeric("::1"))).isFalse();
        assertThat(Cidr.parse("fd00::/8").contains(Addresses.parseNumeric("fd12::1"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(Addresses.parseNumeric("8.8.8.8"))).isTrue();
    }

    @Test
    void overlapIsSymmetric() {
        Cidr wide = Cidr.parse("10.0.0.0/8");
        Cidr narrow = Cidr.parse("10.1.2.0/24");
        assertThat(wide.overlaps(narrow)).isTrue();
        assertThat(narrow.overlaps(wide)).isTrue();
        assertThat(narrow.overlaps(Cidr.parse("10.1.3.0/24"))).isFalse();
    }

    @Test
    void refusesNamesAndBadPrefixes() {
        assertThatThrownBy(() -> Cidr.parse("example.com/24")).hasMessageContaining("not a numeric IP address");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix length must be 0..32");
        assertThatThrownBy(() -> Cidr.parse("300.1.1.1")).hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("not a prefix length");
    }
}
