package org.sparetire.core.lifecycle;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * What a service reports about itself.
 *
 * @param endpoints the addresses actually bound (with the real port when the config asked for port 0)
 * @param detail    one human line: counters, warnings, the failure reason; may be empty
 */
public record ServiceHealth(ServiceState state, List<Endpoint> endpoints, String detail) {

    public ServiceHealth {
        endpoints = List.copyOf(endpoints);
        detail = detail == null ? "" : detail;
    }

    public static ServiceHealth of(ServiceState state) {
        return new ServiceHealth(state, List.of(), "");
    }

    /** The bound port of the first endpoint with this protocol and role, for tests that bind port 0. */
    public int port(String protocol, String role) {
        return endpoints.stream()
                .filter(e -> e.protocol().equals(protocol) && e.role().equals(role))
                .findFirst()
                .map(e -> e.address().getPort())
                .orElseThrow(() -> new IllegalStateException("no " + protocol + " " + role + " endpoint in " + endpoints));
    }

    /**
     * @param protocol {@code udp} or {@code tcp}
     * @param role     what the socket is for: {@code tftp}, {@code dhcp}, {@code proxy-dhcp}, {@code syslog}
     */
    public record Endpoint(String protocol, String role, InetSocketAddress address) {
        @Override
        public String toString() {
            return role + "/" + protocol + " " + org.sparetire.core.net.Addresses.format(address);
        }
    }
}
