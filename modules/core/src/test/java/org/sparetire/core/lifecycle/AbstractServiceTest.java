package org.sparetire.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AbstractServiceTest {

    /** Records every hook call with the state the service was in while the hook ran. */
    private static class Recording extends AbstractService<String> {
        final List<String> calls = new ArrayList<>();
        ServiceStartException failStart;
        ServiceStartException failApply;
        Duration applyGrace;

        Recording(String config) {
            super(config);
        }

        @Override
        public String name() {
            return "recording";
        }

        @Override
        protected void startUp(String config) throws ServiceStartException {
            calls.add("start " + config + " in " + state());
            if (failStart != null) {
                throw failStart;
            }
        }

        @Override
        protected void apply(String old, String next) throws ServiceStartException {
            calls.add("apply " + old + "->" + next + " in " + state());
            applyGrace = grace();
            if (failApply != null) {
                throw failApply;
            }
        }

        @Override
        protected void shutDown(Duration grace) {
            calls.add("stop " + grace.toMillis() + "ms in " + state());
        }

        @Override
        public ServiceHealth health() {
            return new ServiceHealth(state(), List.of(), failure());
        }

        String settings() {
            return config();
        }
    }

    @Test
    void goesFromNewThroughRunningToTerminated() throws Exception {
        Recording s = new Recording("a");
        assertThat(s.state()).isEqualTo(ServiceState.NEW);
        s.start();
        assertThat(s.state()).isEqualTo(ServiceState.RUNNING);
        s.stop(Duration.ofSeconds(2));
        assertThat(s.state()).isEqualTo(ServiceState.TERMINATED);
        assertThat(s.calls).containsExactly("start a in STARTING", "stop 2000ms in STOPPING");
    }

    @Test
    void aFailedStartLeavesTheServiceFailedWithTheReason() {
        Recording s = new Recording("a");
        s.failStart = new ServiceStartException("port 69 is in use");
        assertThatThrownBy(s::start).isSameAs(s.failStart);
        assertThat(s.state()).isEqualTo(ServiceState.FAILED);
        assertThat(s.health().detail()).isEqualTo("port 69 is in use");
    }

    @Test
    void aRuntimeFailureDuringStartAlsoFails() {
        Recording s = new Recording("a") {
            @Override
            protected void startUp(String config) {
                throw new IllegalArgumentException("bad");
            }
        };
        assertThatThrownBy(s::start).isInstanceOf(IllegalArgumentException.class);
        assertThat(s.state()).isEqualTo(ServiceState.FAILED);
    }

    @Test
    void stoppingAFailedServiceCleansUpOnceAndTerminates() {
        Recording s = new Recording("a");
        s.failStart = new ServiceStartException("no");
        assertThatThrownBy(s::start).isInstanceOf(ServiceStartException.class);
        s.stop(Duration.ZERO);
        s.stop(Duration.ZERO);
        assertThat(s.state()).isEqualTo(ServiceState.TERMINATED);
        assertThat(s.calls).containsExactly("start a in STARTING", "stop 0ms in STOPPING");
    }

    @Test
    void aServiceStartsOnlyOnce() throws Exception {
        Recording s = new Recording("a");
        s.start();
        assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("running");
        s.stop(Duration.ZERO);
        assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("terminated");
    }

    @Test
    void reconfigureWhileNotRunningOnlyKeepsTheSettingsForTheStart() throws Exception {
        Recording s = new Recording("a");
        s.reconfigure("b");
        assertThat(s.calls).isEmpty();
        assertThat(s.settings()).isEqualTo("b");
        s.start();
        assertThat(s.calls).containsExactly("start b in STARTING");
    }

    @Test
    void reconfigureWhileRunningAppliesOldAndNew() throws Exception {
        Recording s = new Recording("a");
        s.start();
        s.reconfigure("b");
        s.reconfigure("b");
        assertThat(s.calls).containsExactly("start a in STARTING", "apply a->b in RUNNING");
        assertThat(s.settings()).isEqualTo("b");
        assertThat(s.state()).isEqualTo(ServiceState.RUNNING);
    }

    @Test
    void retiredWorkGetsTheGraceTheManagerPassedNotAFixedOne() throws Exception {
        Recording s = new Recording("a");
        s.retireWithin(Duration.ofMillis(1500));
        s.start();
        s.reconfigure("b");
        assertThat(s.applyGrace).isEqualTo(Duration.ofMillis(1500));
        s.retireWithin(Duration.ofSeconds(40));
        s.reconfigure("c");
        assertThat(s.applyGrace).isEqualTo(Duration.ofSeconds(40));
    }

    @Test
    void aRejectedReconfigureKeepsThePreviousSettingsAndKeepsRunning() throws Exception {
        Recording s = new Recording("a");
        s.start();
        s.failApply = new ServiceStartException("cannot bind");
        assertThatThrownBy(() -> s.reconfigure("b")).isSameAs(s.failApply);
        assertThat(s.settings()).isEqualTo("a");
        assertThat(s.state()).isEqualTo(ServiceState.RUNNING);
    }

    @Test
    void stopBeforeStartStillReleasesWhatTheConstructorMade() {
        Recording s = new Recording("a");
        s.stop(Duration.ofMillis(5));
        assertThat(s.state()).isEqualTo(ServiceState.TERMINATED);
        assertThat(s.calls).containsExactly("stop 5ms in STOPPING");
    }
}
