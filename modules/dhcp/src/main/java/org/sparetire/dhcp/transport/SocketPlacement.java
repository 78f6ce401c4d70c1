package org.sparetire.dhcp.transport;

import java.util.Locale;
import org.sparetire.core.lifecycle.ServiceStartException;

/**
 * How a DHCP socket hears the broadcast requests of one interface, and only those, on the platform at
 * hand. A client without an address broadcasts to 255.255.255.255, and operating systems differ in which
 * sockets get such a datagram.
 */
enum SocketPlacement {
    /**
     * Linux: bound to 0.0.0.0 and tied to the interface with SO_BINDTODEVICE, which only the epoll
     * transport can set. Linux hands a broadcast to wildcard-bound sockets only.
     */
    DEVICE,
    /**
     * Windows: bound to the interface's own address. Windows delivers a broadcast that arrives on an
     * interface to the sockets bound to that interface's address, and sends a socket's broadcasts out of
     * the interface its address belongs to.
     */
    ADDRESS;

    /**
     * @param osName   the {@code os.name} system property
     * @param epoll    whether the event loops are Linux epoll (which can set SO_BINDTODEVICE)
     * @param iface    the interface, for the message
     * @throws ServiceStartException with one line saying why DHCP cannot run here and what does
     */
    static SocketPlacement choose(String osName, boolean epoll, String iface) throws ServiceStartException {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            if (epoll) {
                return DEVICE;
            }
            throw new ServiceStartException("cannot serve " + iface + " on the NIO transport: Linux delivers broadcast "
                    + "requests only to a socket tied to the interface (SO_BINDTODEVICE), which takes the epoll transport; "
                    + "set lifecycle.io-transport: auto (TFTP, syslog and the dashboard run on either)");
        }
        if (os.startsWith("windows")) {
            return ADDRESS;
        }
        // macOS and the BSDs deliver a broadcast only to sockets bound to 0.0.0.0, and the option that would
        // tie one to an interface (IP_BOUND_IF) is out of Java's reach: the server would answer everywhere.
        throw new ServiceStartException("cannot serve " + iface + " on " + osName + ": it delivers broadcast requests "
                + "only to a socket bound to 0.0.0.0, which would answer on every interface; TFTP, syslog and the "
                + "dashboard work here, and for DHCP run sparetire on Linux or Windows, or set next-server and the boot "
                + "file on the network's own DHCP server");
    }
}
