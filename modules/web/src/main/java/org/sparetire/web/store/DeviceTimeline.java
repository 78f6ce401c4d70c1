package org.sparetire.web.store;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-device stories: a bounded log per device, and a bounded number of devices (the one heard from
 * longest ago is forgotten first). Devices are keyed by MAC, or by address when nothing tells the MAC
 * (a switch with a static address that only does TFTP and syslog).
 */
final class DeviceTimeline {
    private static final class Device {
        final String key;
        final BoundedLog<TimelineEntry> entries;
        String mac;
        InetAddress address;
        String hostname;
        String vendorClass;
        Instant lastSeen;

        Device(String key, int perDevice) {
            this.key = key;
            this.entries = new BoundedLog<>(perDevice);
        }
    }

    /** Least recently heard from first; looking at a timeline does not keep a device. */
    private final LinkedHashMap<String, Device> devices = new LinkedHashMap<>();
    /** Which devices ever used an address, so the address view finds every owner's entries. */
    private final LinkedHashMap<InetAddress, Set<String>> byAddress = new LinkedHashMap<>();
    private int maxDevices;
    private int perDevice;

    DeviceTimeline(int maxDevices, int perDevice) {
        this.maxDevices = maxDevices;
        this.perDevice = perDevice;
    }

    void resize(int newMaxDevices, int newPerDevice) {
        maxDevices = newMaxDevices;
        perDevice = newPerDevice;
        devices.values().forEach(d -> d.entries.resize(newPerDevice));
        trim();
    }

    void add(TimelineEntry e, String hostname, String vendorClass) {
        String key = e.mac() != null ? e.mac() : e.address().getHostAddress();
        Device d = devices.remove(key);
        if (d == null) {
            d = new Device(key, perDevice);
        }
        devices.put(key, d);
        d.entries.add(e);
        d.mac = e.mac();
        if (e.address() != null) {
            d.address = e.address();
            Set<String> keys = byAddress.remove(e.address());
            if (keys == null) {
                keys = new LinkedHashSet<>();
            }
            byAddress.put(e.address(), keys);
            keys.remove(key);
            keys.add(key);
            // An address reused by ever more devices keeps only its recent owners.
            while (keys.size() > 16) {
                keys.remove(keys.iterator().next());
            }
        }
        if (hostname != null) {
            d.hostname = hostname;
        }
        if (vendorClass != null) {
            d.vendorClass = vendorClass;
        }
        d.lastSeen = e.at();
        trim();
    }

    private void trim() {
        while (devices.size() > maxDevices) {
            devices.remove(devices.keySet().iterator().next());
        }
        while (byAddress.size() > maxDevices * 4) {
            byAddress.remove(byAddress.keySet().iterator().next());
        }
    }

    /** A device's own entries (by MAC or by address key), oldest first. */
    List<TimelineEntry> ofDevice(String key) {
        Device d = devices.get(key);
        return d == null ? List.of() : d.entries.all();
    }

    /** Every entry that involved the address, whichever device it belonged to at the time, oldest first. */
    List<TimelineEntry> ofAddress(InetAddress address) {
        Set<String> keys = byAddress.get(address);
        if (keys == null) {
            return List.of();
        }
        List<TimelineEntry> out = new ArrayList<>();
        for (String key : keys) {
            Device d = devices.get(key);
            if (d != null) {
                d.entries.all().stream().filter(e -> address.equals(e.address())).forEach(out::add);
            }
        }
        out.sort(Comparator.comparing(TimelineEntry::at).thenComparingLong(TimelineEntry::seq));
        return out;
    }

    List<DeviceSummary> summaries() {
        List<DeviceSummary> out = new ArrayList<>();
        for (Device d : devices.values()) {
            out.add(new DeviceSummary(d.key, d.mac, d.address, d.hostname, d.vendorClass, d.lastSeen, d.entries.size()));
        }
        out.sort(Comparator.comparing(DeviceSummary::lastSeen).reversed());
        return out;
    }

    int deviceCount() {
        return devices.size();
    }

    Map<String, Integer> sizes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        devices.forEach((k, d) -> m.put(k, d.entries.size()));
        return m;
    }
}
