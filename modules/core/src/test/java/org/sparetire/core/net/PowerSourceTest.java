package org.sparetire.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerSourceTest {
    @TempDir
    Path dir;

    private void supply(String name, String type, String file, String value) throws Exception {
        Path s = Files.createDirectories(dir.resolve(name));
        Files.writeString(s.resolve("type"), type + "\n");
        Files.writeString(s.resolve(file), value + "\n");
    }

    @Test
    void aDischargingBatteryWithoutMainsIsOnBattery() throws Exception {
        supply("BAT0", "Battery", "status", "Discharging");
        supply("AC", "Mains", "online", "0");
        assertThat(PowerSource.onBattery(dir)).isTrue();
    }

    @Test
    void mainsOnlineOrAChargingBatteryIsNot() throws Exception {
        supply("BAT0", "Battery", "status", "Charging");
        assertThat(PowerSource.onBattery(dir)).isFalse();
        supply("BAT1", "Battery", "status", "Discharging");
        supply("AC", "Mains", "online", "1");
        assertThat(PowerSource.onBattery(dir)).isFalse();
    }

    @Test
    void noPowerSupplyClassMeansMains() {
        assertThat(PowerSource.onBattery(dir.resolve("absent"))).isFalse();
        assertThat(PowerSource.onBattery(dir)).isFalse();
    }
}
