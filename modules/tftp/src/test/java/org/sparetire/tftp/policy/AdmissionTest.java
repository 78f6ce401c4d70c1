package org.sparetire.tftp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.sparetire.tftp.policy.Admission.Decision;

class AdmissionTest {
    static final long SECOND = 1_000_000_000L;

    @Test
    void perClientAndGlobalLimitsSayBusy() throws Exception {
        Admission a = new Admission(3, 2, 0, 1);
        InetAddress x = InetAddress.getByName("192.0.2.1");
        InetAddress y = InetAddress.getByName("192.0.2.2");
        assertThat(a.tryAdmit(x, 0)).isEqualTo(Decision.ADMITTED);
        assertThat(a.tryAdmit(x, 0)).isEqualTo(Decision.ADMITTED);
        assertThat(a.tryAdmit(x, 0)).as("per client").isEqualTo(Decision.BUSY);
        assertThat(a.tryAdmit(y, 0)).isEqualTo(Decision.ADMITTED);
        assertThat(a.tryAdmit(y, 0)).as("global").isEqualTo(Decision.BUSY);
        a.release(x);
        assertThat(a.tryAdmit(y, 0)).isEqualTo(Decision.ADMITTED);
        assertThat(a.active()).isEqualTo(3);
        a.release(y);
        a.release(y);
        a.release(y);
        assertThat(a.activeFor(y)).isZero();
        assertThat(a.active()).isEqualTo(1);
    }

    @Test
    void requestRateIsATokenBucketPerClient() throws Exception {
        Admission a = new Admission(1000, 1000, 10, 3);
        InetAddress x = InetAddress.getByName("192.0.2.1");
        InetAddress y = InetAddress.getByName("192.0.2.2");
        for (int i = 0; i < 3; i++) {
            assertThat(a.tryAdmit(x, 0)).isEqualTo(Decision.ADMITTED);
        }
        assertThat(a.tryAdmit(x, 0)).isEqualTo(Decision.RATE_LIMITED);
        assertThat(a.tryAdmit(y, 0)).as("another client is not affected").isEqualTo(Decision.ADMITTED);
        assertThat(a.tryAdmit(x, SECOND / 10)).as("one token back after 100 ms").isEqualTo(Decision.ADMITTED);
        assertThat(a.tryAdmit(x, SECOND / 10)).isEqualTo(Decision.RATE_LIMITED);
    }
}
