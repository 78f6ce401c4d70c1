package org.sparetire.core.net;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Whether the machine runs on battery, from Linux's {@code /sys/class/power_supply}: a battery that is
 * discharging, and no mains or USB supply online. Polling for replies (the event loops'
 * {@code ReplyPolling}) stays off then, whatever the configuration says: on battery, a core kept awake is power spent for a little speed.
 *
 * <p>The answer is read on a daemon thread every {@value #REFRESH_SECONDS} seconds once {@link #watch()}
 * was called, never on an event loop (reading sysfs is a blocking call); {@link #onBattery()} is a
 * volatile read. A machine without the folder (most servers, containers) is never on battery.
 */
public final class PowerSource {
    static final long REFRESH_SECONDS = 10;
    private static final Path SYSFS = Path.of("/sys/class/power_supply");
    private static volatile boolean onBattery;
    private static Thread watcher;

    private PowerSource() {
    }

    /** The last answer read; false until {@link #watch()} read one. */
    public static boolean onBattery() {
        return onBattery;
    }

    /** Reads the answer now and starts refreshing it in the background (once per JVM; later calls do nothing). */
    public static synchronized void watch() {
        if (watcher != null) {
            return;
        }
        onBattery = onBattery(SYSFS);
        watcher = new Thread(() -> {
            while (true) {
                try {
                    TimeUnit.SECONDS.sleep(REFRESH_SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                onBattery = onBattery(SYSFS);
            }
        }, "sparetire-power");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** On battery: some supply of type Battery reports Discharging, and no Mains or USB supply is online. */
    static boolean onBattery(Path powerSupplies) {
        boolean discharging = false;
        try (DirectoryStream<Path> supplies = Files.newDirectoryStream(powerSupplies)) {
            for (Path s : supplies) {
                String type = read(s.resolve("type"));
                if (type.equals("Battery")) {
                    discharging |= read(s.resolve("status")).equals("Discharging");
                } else if ((type.equals("Mains") || type.startsWith("USB")) && read(s.resolve("online")).equals("1")) {
                    return false;
                }
            }
        } catch (IOException e) {
            return false; // no power_supply class: a machine on mains
        }
        return discharging;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
