package org.sparetire.dhcp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.policy.RequestAdmission.Verdict;
import org.sparetire.dhcp.support.Requests;

class RequestAdmissionTest {
    static final InetAddress A = Requests.ip("10.0.0.7");
    static final InetAddress B = Requests.ip("10.0.0.8");
    static final long SECOND = 1_000_000_000L;

    @Test
    void informsArePacedPerSourceAfterTheirBurst() {
        RequestAdmission admission = new RequestAdmission(2, 3, 100);
        var inform = Requests.of(MessageType.INFORM).ciaddr("10.0.200.1").build();
        for (int i = 0; i < 3; i++) {
            assertThat(admission.admit(inform, A, 0)).isEqualTo(Verdict.ADMIT);
        }
        assertThat(admission.admit(inform, A, 0)).isEqualTo(Verdict.INFORM_RATE_FIRST);
        assertThat(admission.admit(inform, A, 0)).isEqualTo(Verdict.INFORM_RATE);
        assertThat(admission.admit(inform, B, 0)).as("another source is unaffected").isEqualTo(Verdict.ADMIT);
        assertThat(admission.admit(inform, A, SECOND / 2)).as("one more after half a second at 2/s")
                .isEqualTo(Verdict.ADMIT);
        assertThat(admission.admit(inform, A, SECOND / 2)).isEqualTo(Verdict.INFORM_RATE_FIRST);
    }

    @Test
    void leaseTrafficAndRelayedRequestsAreNeverLimitedHere() {
        RequestAdmission admission = new RequestAdmission(1, 1, 100);
        var discover = Requests.of(MessageType.DISCOVER).build();
        var relayed = Requests.of(MessageType.DISCOVER).giaddr("10.0.200.1").build();
        var relayedInform = Requests.of(MessageType.INFORM).giaddr("10.0.200.1").build();
        for (int i = 0; i < 1000; i++) {
            assertThat(admission.admit(discover, A, 0)).isEqualTo(Verdict.ADMIT);
            assertThat(admission.admit(relayed, A, 0)).isEqualTo(Verdict.ADMIT);
            assertThat(admission.admit(relayedInform, A, 0)).isEqualTo(Verdict.ADMIT);
        }
    }
}
