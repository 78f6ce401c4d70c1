package org.sparetire.web.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sparetire.testkit.ManualClock;
import org.sparetire.web.AccessToken;
import org.sparetire.testkit.Events;
import org.sparetire.web.WebConfig;
import org.sparetire.web.codec.WebRequest;
import org.sparetire.web.policy.AccessPolicy.Verdict;

class AccessPolicyTest {
    private static final String TOKEN = "0123456789abcdef-token";
    private final ManualClock clock = new ManualClock();
    private final BrowserSessions sessions = new BrowserSessions();

    private static WebConfig config(String bind, String token) {
        return new WebConfig(true, Events.ip(bind), 8069, Optional.ofNullable(token).map(AccessToken::new),
                WebConfig.History.DEFAULTS, 64);
    }

    private static WebRequest request(String method, String... headers) {
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        return new WebRequest(method, "/api/reload", Map.of(), h, "", new InetSocketAddress("127.0.0.1", 5000));
    }

    private Verdict verdict(AccessPolicy p, WebRequest r, boolean write) {
        return p.check(r, write, clock.now()).verdict();
    }

    @Test
    void withoutTokenReadsNeedOnlyALocalHostName() {
        AccessPolicy p = new AccessPolicy(config("127.0.0.1", null), sessions);
        assertThat(verdict(p, request("GET", "Host", "localhost:8069"), false)).isEqualTo(Verdict.ALLOW);
        assertThat(verdict(p, request("GET", "Host", "127.0.0.1"), false)).isEqualTo(Verdict.ALLOW);
        assertThat(verdict(p, request("GET", "Host", "[::1]:8069"), false)).isEqualTo(Verdict.ALLOW);
        assertThat(verdict(p, request("GET", "Host", "dash.localhost"), false)).isEqualTo(Verdict.ALLOW);
        assertThat(verdict(p, request("GET", "Host", "attacker.example:8069"), false)).isEqualTo(Verdict.FORBIDDEN_HOST);
        assertThat(verdict(p, request("GET", "Host", "127.0.0.1.attacker.example"), false)).isEqualTo(Verdict.FORBIDDEN_HOST);
        assertThat(verdict(p, request("GET"), false)).isEqualTo(Verdict.FORBIDDEN_HOST);
    }

    @Test
    void aBrowserPostNeedsItsSessionsCsrfTokenAndOurOrigin() {
        AccessPolicy p = new AccessPolicy(config("127.0.0.1", null), sessions);
        BrowserSessions.Session s = sessions.create(true, clock.now());
        String cookie = BrowserSessions.COOKIE + "=" + s.id();
        assertThat(verdict(p, request("POST", "Host", "localhost"), true)).isEqualTo(Verdict.FORBIDDEN_CSRF);
        assertThat(verdict(p, request("POST", "Host", "localhost", "Cookie", cookie), true))
                .isEqualTo(Verdict.FORBIDDEN_CSRF);
        assertThat(verdict(p, request("POST", "Host", "localhost", "Cookie", cookie, "X-CSRF-Token", "x" + s.csrfToken()),
                true)).isEqualTo(Verdict.FORBIDDEN_CSRF);
        assertThat(verdict(p, request("POST", "Host", "localhost", "Cookie", cookie, "X-CSRF-Token", s.csrfToken()),
                true)).isEqualTo(Verdict.ALLOW);
        assertThat(verdict(p, request("POST", "Host", "localhost:8069", "Cookie", cookie, "X-CSRF-Token", s.csrfToken(),
                "Origin", "http://localhost:8069", "Sec-Fetch-Site", "same-origin"), true)).isEqualTo(Verdict.ALLOW);
        assertThat(verdict(p, request("POST", "Host", "localhost:8069", "Cookie", cookie, "X-CSRF-Token", s.csrfToken(),
                "Origin", "http://evil.example"), true)).isEqualTo(Verdict.FORBIDDEN_ORIGIN);
        assertThat(verdict(p, request("POST", "Host", "localhost:8069", "Cookie", cookie, "X-CSRF-Token", s.csrfToken(),
                "Sec-Fetch-Site", "cross-site"), true)).isEqualTo(Verdict.FORBIDDEN_ORIGIN);
        assertThat(verdict(p, request("POST", "Host", "localhost:8069", "Cookie", cookie, "X-CSRF-Token", s.csrfToken(),
                "Origin", "null"), true)).isEqualTo(Verdict.FORBIDDEN_ORIGIN);
    }

    @Test
    void withTokenEverythingNeedsIt() {
        AccessPolicy p = new AccessPolicy(config("0.0.0.0", TOKEN), sessions);
        assertThat(verdict(p, request("GET", "Host", "10.0.0.1"), false)).isEqualTo(Verdict.UNAUTHENTICATED);
        assertThat(verdict(p, request("GET", "Host", "10.0.0.1", "Authorization", "Bearer " + TOKEN), false))
                .isEqualTo(Verdict.ALLOW);
        assertThat(verdict(p, request("GET", "Host", "10.0.0.1", "Authorization", "bearer " + TOKEN), false))
                .isEqualTo(Verdict.ALLOW);
        assertThat(verdict(p, request("GET", "Host", "10.0.0.1", "Authorization", "Bearer " + TOKEN + "x"), false))
                .isEqualTo(Verdict.UNAUTHENTICATED);
        assertThat(verdict(p, request("GET", "Host", "10.0.0.1", "Authorization", "Basic " + TOKEN), false))
                .isEqualTo(Verdict.UNAUTHENTICATED);
        // Bearer callers send no cookies, so no CSRF token is needed; a foreign Origin is still refused.
        assertThat(verdict(p, request("POST", "Host", "10.0.0.1", "Authorization", "Bearer " + TOKEN), true))
                .isEqualTo(Verdict.ALLOW);
        assertThat(verdict(p, request("POST", "Host", "10.0.0.1", "Authorization", "Bearer " + TOKEN,
                "Origin", "http://evil.example"), true)).isEqualTo(Verdict.FORBIDDEN_ORIGIN);
        // An unauthenticated session does not count.
        BrowserSessions.Session anonymous = sessions.create(false, clock.now());
        assertThat(verdict(p, request("GET", "Host", "x", "Cookie", BrowserSessions.COOKIE + "=" + anonymous.id()),
                false)).isEqualTo(Verdict.UNAUTHENTICATED);
        BrowserSessions.Session signedIn = sessions.create(true, clock.now());
        assertThat(verdict(p, request("GET", "Host", "x", "Cookie", "a=b; " + BrowserSessions.COOKIE + "=" + signedIn.id()),
                false)).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void changingTheTokenSignsEveryoneOut() {
        AccessPolicy p = new AccessPolicy(config("0.0.0.0", TOKEN), sessions);
        BrowserSessions.Session s = sessions.create(true, clock.now());
        p.reconfigure(config("0.0.0.0", TOKEN));
        assertThat(sessions.find(s.id(), clock.now())).isPresent();
        p.reconfigure(config("0.0.0.0", TOKEN + "-new"));
        assertThat(sessions.find(s.id(), clock.now())).isEmpty();
    }

    @Test
    void wrongTokensAreRateLimitedPerAddressAndMinute() {
        AccessPolicy p = new AccessPolicy(config("0.0.0.0", TOKEN), sessions);
        java.net.InetAddress guesser = Events.ip("192.0.2.66");
        java.net.InetAddress colleague = Events.ip("192.0.2.10");
        for (int i = 0; i < AccessPolicy.SIGN_IN_BURST; i++) {
            assertThat(p.signIn("guess" + i, guesser, clock.now())).isFalse();
        }
        assertThat(p.signInLocked(guesser, clock.now())).isTrue();
        assertThat(p.signIn(TOKEN, guesser, clock.now())).as("even the right token waits out the window").isFalse();
        assertThat(p.signIn(TOKEN, colleague, clock.now())).as("others are not locked out").isTrue();
        clock.advance(Duration.ofSeconds(61));
        assertThat(p.signInLocked(guesser, clock.now())).isFalse();
        assertThat(p.signIn(TOKEN, guesser, clock.now())).isTrue();
    }

    @Test
    void bearerGuessesCountToo() {
        AccessPolicy p = new AccessPolicy(config("0.0.0.0", TOKEN), sessions);
        for (int i = 0; i < AccessPolicy.SIGN_IN_BURST; i++) {
            assertThat(verdict(p, request("GET", "Host", "x", "Authorization", "Bearer nope" + i), false))
                    .isEqualTo(Verdict.UNAUTHENTICATED);
        }
        assertThat(verdict(p, request("GET", "Host", "x", "Authorization", "Bearer " + TOKEN), false))
                .isEqualTo(Verdict.THROTTLED);
        clock.advance(Duration.ofMinutes(1));
        assertThat(verdict(p, request("GET", "Host", "x", "Authorization", "Bearer " + TOKEN), false))
                .isEqualTo(Verdict.ALLOW);
    }

    @Test
    void sessionsAreBoundedAndExpireWhenIdle() {
        Instant start = clock.now();
        BrowserSessions.Session first = sessions.create(true, start);
        for (int i = 0; i < BrowserSessions.MAX_SESSIONS; i++) {
            sessions.create(true, start);
        }
        assertThat(sessions.size()).isEqualTo(BrowserSessions.MAX_SESSIONS);
        assertThat(sessions.find(first.id(), start)).as("least recently used goes first").isEmpty();

        BrowserSessions.Session idle = sessions.create(true, clock.now());
        clock.advance(BrowserSessions.IDLE_LIMIT.plusSeconds(1));
        assertThat(sessions.find(idle.id(), clock.now())).isEmpty();
        assertThat(BrowserSessions.setCookie(idle)).endsWith("; Path=/; HttpOnly; SameSite=Strict");
    }
}
