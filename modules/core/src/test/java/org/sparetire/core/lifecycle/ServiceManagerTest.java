package org.sparetire.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigException;
import org.sparetire.core.config.ConfigLoader;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.core.config.SectionKey;
import org.sparetire.core.event.EventBus;
import org.sparetire.core.event.ServiceStateChanged;
import org.sparetire.core.net.runtime.NetRuntime;
import org.sparetire.core.query.LeaseQueries;
import org.sparetire.core.query.LogQueries;
import org.sparetire.core.time.Clock;

class ServiceManagerTest {
    private final SectionKey<UdpTestService.Config> alpha = UdpTestService.section("alpha");
    private final SectionKey<UdpTestService.Config> beta = UdpTestService.section("beta");
    private final List<String> journal = new CopyOnWriteArrayList<>();
    private final EventBus events = new EventBus();
    private final NetRuntime net = NetRuntime.fromSystemProperty();
    private final ServiceContext context = new ServiceContext(events, Clock.system(), net);
    private final ConfigLoader loader = new ConfigLoader(List.of(alpha, beta));
    private final ServiceManager manager = new ServiceManager(List.of(slot(alpha), slot(beta)), context);

    private ServiceSlot<UdpTestService.Config> slot(SectionKey<UdpTestService.Config> key) {
        return new ServiceSlot<>(key, UdpTestService.Config::enabled,
                (config, ctx) -> new UdpTestService(key.name(), config, ctx, journal));
    }

    private AppConfig config(String yaml) throws ConfigException {
        return loader.loadText(yaml, "test.yaml", Path.of("."), ConfigOverrides.none());
    }

    @AfterEach
    void tearDown() {
        manager.close();
        net.close();
    }

    @Test
    void startsInOrderAndStopsInReverse() throws Exception {
        manager.start(config("alpha: {port: 0}\nbeta: {port: 0}\n"));
        assertThat(manager.health().get("alpha").state()).isEqualTo(ServiceState.RUNNING);
        assertThat(manager.health().get("beta").port("udp", "beta")).isPositive();
        manager.stop();
        assertThat(journal).containsExactly("alpha started", "beta started", "beta stopped", "alpha stopped");
    }

    @Test
    void failedStartStopsTheServicesAlreadyStartedAndFreesTheirPorts() throws Exception {
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int taken = squatter.getLocalPort();
            List<ServiceStateChanged> states = new CopyOnWriteArrayList<>();
            events.subscribe(ServiceStateChanged.class, states::add);
            int[] alphaPort = new int[1];
            events.subscribe(ServiceStateChanged.class, e -> {
                if (e.service().equals("alpha") && e.state() == ServiceState.RUNNING) {
                    alphaPort[0] = manager.health().get("alpha").port("udp", "alpha");
                }
            });

            assertThatThrownBy(() -> manager.start(config("alpha: {port: 0}\nbeta: {port: " + taken + "}\n")))
                    .isInstanceOfSatisfying(StartupFailure.class, f -> {
                        assertThat(f.serviceName()).isEqualTo("beta");
                        assertThat(f.getMessage()).isEqualTo("beta: cannot bind 127.0.0.1:" + taken
                                + ": address already in use (another program serves this port: stop it or set beta.port)");
                    });

            assertThat(journal).containsExactly("alpha started", "alpha stopped");
            assertThat(manager.health().get("alpha").state()).isEqualTo(ServiceState.TERMINATED);
            assertThat(alphaPort[0]).isPositive();
            // The port alpha held is free again: a plain socket can take it.
            try (DatagramSocket reuse = bindWhenFree(alphaPort[0])) {
                assertThat(reuse.getLocalPort()).isEqualTo(alphaPort[0]);
            }
            assertThat(states).extracting(ServiceStateChanged::state).contains(ServiceState.FAILED);
        }
    }

    /**
     * On NIO a closed channel's socket is released when its event loop next selects, a moment after the
     * close completes (the JDK defers the close of a registered channel); epoll releases it at once. The
     * other modules use testkit's FreedPorts, which depends on this module.
     */
    private static DatagramSocket bindWhenFree(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (BindException stillHeld) {
                if (System.nanoTime() - deadline > 0) {
                    throw stillHeld;
                }
                Thread.sleep(10);
            }
        }
    }

    @Test
    void disabledServicesAreNotStarted() throws Exception {
        manager.start(config("alpha: {port: 0}\nbeta: {enabled: false}\n"));
        assertThat(journal).containsExactly("alpha started");
        assertThat(manager.service("beta")).isEmpty();
        // Off by choice is not an end: the dashboard says "disabled", not "terminated".
        assertThat(manager.health().get("beta").state()).isEqualTo(ServiceState.DISABLED);
    }

    @Test
    void reloadTouchesOnlyWhatChanged() throws Exception {
        manager.start(config("alpha: {port: 0}\nbeta: {port: 0}\n"));
        ReloadReport report = manager.apply(config("alpha: {port: 0, greeting: bonjour}\nbeta: {port: 0}\n"));
        assertThat(report.applied()).isTrue();
        assertThat(report.changes()).containsExactly("alpha: reconfigured");
        assertThat(journal).containsExactly("alpha started", "beta started", "alpha reconfigured bonjour");
    }

    @Test
    void reloadStartsAndStopsServicesWhoseEnabledFlagChanged() throws Exception {
        manager.start(config("alpha: {port: 0}\nbeta: {enabled: false}\n"));
        ReloadReport report = manager.apply(config("alpha: {enabled: false}\nbeta: {port: 0}\n"));
        assertThat(report.changes()).containsExactly("alpha: stopped", "beta: started");
        assertThat(manager.service("alpha")).isEmpty();
        assertThat(manager.service("beta")).isPresent();
        assertThat(manager.health().get("alpha").state()).isEqualTo(ServiceState.DISABLED);
    }

    @Test
    void aLogLevelChangeIsReportedAsApplied() throws Exception {
        manager.start(config("alpha: {port: 0}\nbeta: {port: 0}\n"));
        ReloadReport report = manager.apply(config("logging: {level: debug}\nalpha: {port: 0}\nbeta: {port: 0}\n"));
        assertThat(report.applied()).isTrue();
        assertThat(report.changes()).containsExactly("logging.level: info -> debug");
    }

    @Test
    void aBadFileIsRejectedAndTheRunningConfigStays() throws Exception {
        AppConfig original = config("alpha: {port: 0, greeting: hello}\n");
        manager.start(original);
        ReloadReport report = manager.requestReload(() -> config("alpha: {port: 99999}\n")).get(10, TimeUnit.SECONDS);
        assertThat(report.applied()).isFalse();
        assertThat(report.problems()).extracting(Object::toString)
                .containsExactly("test.yaml:1:15: alpha.port: port must be between 0 and 65535, got 99999");
        assertThat(manager.config()).isSameAs(original);
        assertThat(journal).containsExactly("alpha started", "beta started");

        ReloadReport good = manager.requestReload(() -> config("alpha: {port: 0, greeting: hi}\n")).get(10, TimeUnit.SECONDS);
        assertThat(good.applied()).isTrue();
        assertThat(journal).contains("alpha reconfigured hi");
    }

    /** A service that answers through a query port, as the log collector does. */
    private static final class Counting implements Service<UdpTestService.Config>, LogQueries {
        private final UdpTestService inner;

        Counting(UdpTestService inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void start() throws ServiceStartException {
            inner.start();
        }

        @Override
        public void reconfigure(UdpTestService.Config next) throws ServiceStartException {
            inner.reconfigure(next);
        }

        @Override
        public void stop(Duration grace) {
            inner.stop(grace);
        }

        @Override
        public ServiceHealth health() {
            return inner.health();
        }

        @Override
        public long dropped() {
            return 7;
        }
    }

    @Test
    void aQueryPortIsFoundOnTheRunningServiceThatOffersItNeverByName() throws Exception {
        ServiceSlot<UdpTestService.Config> counting = new ServiceSlot<>(beta, UdpTestService.Config::enabled,
                (config, ctx) -> new Counting(new UdpTestService(beta.name(), config, ctx, journal)));
        try (ServiceManager m = new ServiceManager(List.of(slot(alpha), counting), context)) {
            assertThat(m.query(LogQueries.class)).as("nothing runs yet").isEmpty();
            m.start(config("alpha: {port: 0}\nbeta: {port: 0}\n"));
            assertThat(m.query(LogQueries.class)).hasValueSatisfying(q -> assertThat(q.dropped()).isEqualTo(7));
            assertThat(m.query(LeaseQueries.class)).as("no running service offers it").isEmpty();
            m.stop();
            assertThat(m.query(LogQueries.class)).isEmpty();
        }
    }
}
