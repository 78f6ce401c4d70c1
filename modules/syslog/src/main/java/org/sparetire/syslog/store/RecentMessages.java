package org.sparetire.syslog.store;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparetire.core.event.SyslogReceived;

/**
 * The last few messages of each device, in memory, for the dashboard and the per-device timeline. Bounded
 * twice: {@code perDevice} messages per sender and {@code maxDevices} senders (least recently heard
 * forgotten first), so a flood of spoofed sources cannot exhaust memory.
 */
public final class RecentMessages {
    private final int perDevice;
    private final Map<InetAddress, ArrayDeque<SyslogReceived>> rings;

    public RecentMessages(int perDevice, int maxDevices) {
        this.perDevice = perDevice;
        this.rings = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, ArrayDeque<SyslogReceived>> eldest) {
                return size() > maxDevices;
            }
        };
    }

    public synchronized void add(SyslogReceived message) {
        if (perDevice == 0) {
            return;
        }
        ArrayDeque<SyslogReceived> ring = rings.computeIfAbsent(message.sender().getAddress(), a -> new ArrayDeque<>());
        if (ring.size() == perDevice) {
            ring.removeFirst();
        }
        ring.addLast(message);
    }

    /** Oldest first. */
    public synchronized List<SyslogReceived> of(InetAddress device) {
        ArrayDeque<SyslogReceived> ring = rings.get(device);
        return ring == null ? List.of() : List.copyOf(ring);
    }

    public synchronized List<InetAddress> devices() {
        return new ArrayList<>(rings.keySet());
    }
}
