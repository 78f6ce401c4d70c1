package org.sparetire.syslog.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.net.Cidr;
import org.sparetire.core.net.RateLimiter;
import org.sparetire.syslog.SyslogConfig.DeviceFiles;

class PolicyTest {
    static final InetAddress A = Addresses.parseNumeric("192.0.2.1");
    static final InetAddress B = Addresses.parseNumeric("192.0.2.2");

    @Test
    void rateLimiterAllowsTheBurstThenTheRatePerSender() {
        RateLimiter limiter = new RateLimiter(10, 5, 100);
        long t = 0;
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.admit(A, t)).isEqualTo(RateLimiter.Verdict.PASS);
        }
        assertThat(limiter.admit(A, t)).isEqualTo(RateLimiter.Verdict.DROP_FIRST);
        assertThat(limiter.admit(A, t)).isEqualTo(RateLimiter.Verdict.DROP);
        assertThat(limiter.admit(B, t)).as("another sender is unaffected").isEqualTo(RateLimiter.Verdict.PASS);
        t += 100_000_000; // 100 ms at 10/s earns one token
        assertThat(limiter.admit(A, t)).isEqualTo(RateLimiter.Verdict.PASS);
        assertThat(limiter.admit(A, t)).isEqualTo(RateLimiter.Verdict.DROP_FIRST);
        t += 60_000_000_000L; // a long quiet spell refills only up to the burst
        int passed = 0;
        for (int i = 0; i < 20; i++) {
            passed += limiter.admit(A, t) == RateLimiter.Verdict.PASS ? 1 : 0;
        }
        assertThat(passed).isEqualTo(5);
    }

    @Test
    void rateLimiterForgetsTheLeastRecentSenderBeyondItsBound() {
        RateLimiter limiter = new RateLimiter(1, 1, 2);
        limiter.admit(A, 0);
        assertThat(limiter.admit(A, 0)).isEqualTo(RateLimiter.Verdict.DROP_FIRST);
        limiter.admit(B, 0);
        limiter.admit(Addresses.parseNumeric("192.0.2.3"), 0);
        assertThat(limiter.admit(A, 0)).as("A was forgotten and starts with a full bucket").isEqualTo(RateLimiter.Verdict.PASS);
    }

    @Test
    void allowlist() {
        assertThat(new SenderAllowlist(List.of()).allows(A)).isTrue();
        SenderAllowlist list = new SenderAllowlist(List.of(Cidr.parse("192.0.2.0/31"), Cidr.parse("fd00::/8")));
        assertThat(list.allows(A)).isTrue();
        assertThat(list.allows(B)).isFalse();
        assertThat(list.allows(Addresses.parseNumeric("fd12::1"))).isTrue();
        assertThat(list.allows(Addresses.parseNumeric("2001:db8::1"))).isFalse();
    }

    @Test
    void rotationPolicy() {
        Instant t0 = Instant.parse("2026-11-24T00:00:00Z");
        RotationPolicy p = new RotationPolicy(100, Duration.ofHours(1), 3);
        assertThat(p.due(0, 1000, t0, t0.plus(Duration.ofDays(9)))).as("empty file never").isFalse();
        assertThat(p.due(50, 50, t0, t0)).isFalse();
        assertThat(p.due(50, 51, t0, t0)).isTrue();
        assertThat(p.due(1, 1, t0, t0.plus(Duration.ofMinutes(59)))).isFalse();
        assertThat(p.due(1, 1, t0, t0.plus(Duration.ofHours(1)))).isTrue();
        assertThat(new RotationPolicy(0, Duration.ZERO, 3).due(1L << 40, 1, t0, t0.plus(Duration.ofDays(999)))).isFalse();
    }

    @Test
    void deviceNames() {
        assertThat(DeviceNaming.name(DeviceFiles.ADDRESS, A, "ignored")).isEqualTo("192.0.2.1");
        assertThat(DeviceNaming.name(DeviceFiles.ADDRESS, Addresses.parseNumeric("fe80::1:0:0:0"), null))
                .isEqualTo("fe80__1_0_0_0");
        assertThat(DeviceNaming.name(DeviceFiles.ADDRESS, Addresses.parseNumeric("2001:0:0:1:0:0:0:1"), null))
                .isEqualTo("2001_0_0_1__1");
        assertThat(DeviceNaming.name(DeviceFiles.HOSTNAME, A, "Router-1.LAB")).isEqualTo("router-1.lab");
        assertThat(DeviceNaming.name(DeviceFiles.HOSTNAME, A, null)).isEqualTo("192.0.2.1");
        assertThat(DeviceNaming.name(DeviceFiles.HOSTNAME, A, "a/b\\c d")).isEqualTo("a_b_c_d");
        assertThat(DeviceNaming.name(DeviceFiles.HOSTNAME, A, "..")).isEqualTo("_.");
        assertThat(DeviceNaming.name(DeviceFiles.HOSTNAME, A, "x".repeat(300))).hasSize(64);
        assertThat(DeviceNaming.name(DeviceFiles.NONE, A, "h")).isNull();
    }
}
