package org.sparetire.app;

import org.sparetire.core.config.AppConfig;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.core.time.Clock;

/**
 * Starts an appliance whose config enables DHCP. DHCP ties its sockets to interfaces with SO_BINDTODEVICE,
 * which only the epoll transport offers, so such tests run on epoll even in the suite's NIO pass.
 */
final class EpollAppliance {
    private EpollAppliance() {
    }

    static synchronized RunningAppliance start(AppConfig config) throws Exception {
        String previous = System.getProperty(NetRuntime.TRANSPORT_PROPERTY);
        System.setProperty(NetRuntime.TRANSPORT_PROPERTY, "epoll");
        try {
            return RunningAppliance.start(config, Clock.system(), () -> config);
        } finally {
            if (previous == null) {
                System.clearProperty(NetRuntime.TRANSPORT_PROPERTY);
            } else {
                System.setProperty(NetRuntime.TRANSPORT_PROPERTY, previous);
            }
        }
    }
}
