package org.sparetire.dhcp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparetire.core.net.Addresses;

class OptionValueTest {

    @Test
    void encodesEachTypeToItsWireForm() {
        assertThat(new OptionValue.IpList(List.of(Addresses.parseNumeric("10.0.0.5"), Addresses.parseNumeric("10.0.0.6")))
                .encode().hex()).isEqualTo("0a0000050a000006");
        assertThat(new OptionValue.Text("pxelinux.0").encode().hex()).isEqualTo("7078656c696e75782e30");
        assertThat(new OptionValue.U8(8).encode().hex()).isEqualTo("08");
        assertThat(new OptionValue.U16(1500).encode().hex()).isEqualTo("05dc");
        assertThat(new OptionValue.U32(86400).encode().hex()).isEqualTo("00015180");
        assertThat(new OptionValue.Hex(Octets.parseHex("01:02:ff")).encode().hex()).isEqualTo("0102ff");
    }

    @Test
    void encodesVendorSubOptions() {
        // PXE discovery control = 8 (boot file from the offer) then a text sub-option.
        OptionValue.SubOptions v = new OptionValue.SubOptions(List.of(
                new OptionValue.SubOption(6, new OptionValue.U8(8)),
                new OptionValue.SubOption(2, new OptionValue.Text("tftp://10.0.0.1"))));
        assertThat(v.encode().hex()).isEqualTo("060108" + "020f" + "746674703a2f2f31302e302e302e31");
        assertThat(v.render()).isEqualTo("{6=8 2=\"tftp://10.0.0.1\"}");
    }

    @Test
    void rejectsValuesOutOfRange() {
        assertThatThrownBy(() -> new OptionValue.U8(256)).hasMessageContaining("0..255");
        assertThatThrownBy(() -> new OptionValue.U16(-1)).hasMessageContaining("0..65535");
        assertThatThrownBy(() -> new OptionValue.IpList(List.of(Addresses.parseNumeric("::1")))).hasMessageContaining("IPv4");
        assertThatThrownBy(() -> new OptionValue.SubOption(255, new OptionValue.U8(1))).hasMessageContaining("1..254");
        assertThatThrownBy(() -> Octets.parseHex("0g")).hasMessageContaining("not hex");
    }

    @Test
    void catalogKnowsNamesAndNumbers() {
        assertThat(OptionCatalog.lookup("tftp-server-address")).map(OptionCatalog.Entry::code).contains(150);
        assertThat(OptionCatalog.lookup("66")).map(OptionCatalog.Entry::name).contains("tftp-server-name");
        assertThat(OptionCatalog.lookup("nope")).isEmpty();
        assertThat(OptionCatalog.render(150, Octets.parseHex("0a000005"))).isEqualTo("10.0.0.5");
        assertThat(OptionCatalog.render(51, Octets.parseHex("00015180"))).isEqualTo("86400");
    }
}
