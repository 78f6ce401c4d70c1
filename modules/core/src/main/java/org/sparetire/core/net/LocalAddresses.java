package org.sparetire.core.net;

import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * This machine's addresses, interface by interface: what a technician types as the server address at a
 * device (U-Boot's serverip) is the address of the interface the device is cabled to.
 */
public final class LocalAddresses {
    /** @param prefixLength the network's prefix, such as 24 for 192.168.50.1/24 */
    public record Entry(String interfaceName, InetAddress address, int prefixLength) {
        @Override
        public String toString() {
            return interfaceName + " " + Addresses.text(address) + "/" + prefixLength;
        }
    }

    private LocalAddresses() {
    }

    /**
     * Addresses of the interfaces that are up, IPv4 first, loopback and IPv6 link-local left out (no device
     * reaches a server through them); empty when the system will not say.
     */
    public static List<Entry> current() {
        List<Entry> entries = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InterfaceAddress a : nic.getInterfaceAddresses()) {
                    InetAddress address = a.getAddress();
                    if (address.isLinkLocalAddress() || address.isLoopbackAddress()) {
                        continue;
                    }
                    // The interface is named beside it: a scope (fd00::2%eth0) would only get in the way of copying.
                    entries.add(new Entry(nic.getName(), InetAddress.getByAddress(address.getAddress()),
                            a.getNetworkPrefixLength()));
                }
            }
        } catch (SocketException | java.net.UnknownHostException e) {
            return List.of();
        }
        entries.sort(Comparator.comparing((Entry e) -> e.address().getAddress().length).thenComparing(Entry::interfaceName));
        return List.copyOf(entries);
    }
}
