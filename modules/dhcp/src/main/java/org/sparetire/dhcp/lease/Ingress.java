package org.sparetire.dhcp.lease;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.sparetire.core.net.Cidr;

/**
 * Where a request arrived: the transport knows it (one socket per interface), the responder decides with it.
 *
 * @param interfaceName  the configured interface the socket is bound to
 * @param serverAddress  our IPv4 address on that interface: server identifier and default next-server
 * @param network        that address's network; direct (unrelayed) clients get a lease from this subnet only
 * @param source         sender of the datagram (the relay, for relayed requests)
 * @param bootServerPort true when it came in on the PXE boot server port (4011)
 */
public record Ingress(String interfaceName, InetAddress serverAddress, Cidr network, InetSocketAddress source,
                      boolean bootServerPort) {
}
