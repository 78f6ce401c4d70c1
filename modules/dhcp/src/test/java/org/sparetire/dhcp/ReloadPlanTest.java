package org.sparetire.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparetire.dhcp.support.Configs;

class ReloadPlanTest {

    private static final String YAML = """
            dhcp:
              enabled: true
              interfaces: [%s]
              port: %d
              lease-file: %s
              subnets:
                - network: 10.61.0.0/24
                  ranges: [{from: 10.61.0.10, to: 10.61.0.20}]
            %s""";

    private static DhcpConfig config(String interfaces, int port, String extra) {
        return Configs.load(YAML.formatted(interfaces, port, "/tmp/reload-plan.leases", extra));
    }

    @Test
    void aDisabledServiceStopsAndAnEnabledOneStarts() {
        DhcpConfig on = config("eth1", 67, "");
        assertThat(ReloadPlan.between(on, DhcpConfig.disabled()))
                .isEqualTo(new ReloadPlan(ReloadPlan.Action.STOP, List.of(), List.of(),
                        List.of("eth1"), false));
        ReloadPlan start = ReloadPlan.between(DhcpConfig.disabled(), on);
        assertThat(start.action()).isEqualTo(ReloadPlan.Action.START);
        assertThat(start.bind()).containsExactly("eth1");
    }

    @Test
    void onlyTheSocketsOfAddedAndRemovedInterfacesChange() {
        ReloadPlan plan = ReloadPlan.between(config("eth1, eth2", 67, ""), config("eth2, eth3", 67, ""));
        assertThat(plan.action()).isEqualTo(ReloadPlan.Action.CHANGE);
        assertThat(plan.keep()).containsExactly("eth2");
        assertThat(plan.bind()).containsExactly("eth3");
        assertThat(plan.retire()).containsExactly("eth1");
        assertThat(plan.reopenStore()).isFalse();
    }

    @Test
    void aNewPortRebindsEveryInterface() {
        ReloadPlan plan = ReloadPlan.between(config("eth1, eth2", 67, ""), config("eth1, eth2", 1067, ""));
        assertThat(plan.keep()).isEmpty();
        assertThat(plan.bind()).containsExactly("eth1", "eth2");
        assertThat(plan.retire()).containsExactly("eth1", "eth2");
    }

    @Test
    void otherSettingsKeepEverySocketAndTheStore() {
        DhcpConfig old = config("eth1", 67, "");
        DhcpConfig next = config("eth1", 67, "  ping-check: true\n");
        assertThat(next).isNotEqualTo(old);
        ReloadPlan plan = ReloadPlan.between(old, next);
        assertThat(plan.keep()).containsExactly("eth1");
        assertThat(plan.bind()).isEmpty();
        assertThat(plan.retire()).isEmpty();
        assertThat(plan.reopenStore()).isFalse();
    }

    @Test
    void aNewLeaseFileReopensTheStore() {
        DhcpConfig old = config("eth1", 67, "");
        DhcpConfig next = Configs.load(YAML.formatted("eth1", 67, "/tmp/reload-plan-2.leases", ""));
        ReloadPlan plan = ReloadPlan.between(old, next);
        assertThat(plan.reopenStore()).isTrue();
        assertThat(plan.keep()).containsExactly("eth1");
        assertThat(plan.bind()).isEmpty();
    }
}
