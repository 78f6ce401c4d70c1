package org.sparetire.web.policy;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.sparetire.web.AccessToken;
import org.sparetire.web.WebConfig;
import org.sparetire.web.codec.WebRequest;
import org.sparetire.web.store.DeviceKeys;

/**
 * Who may see and change what:
 * <ul>
 * <li>With no token (only allowed on a loopback bind), everyone who reaches the socket may read, but the
 *     Host header must name this machine, so a web page cannot use DNS rebinding to read the dashboard
 *     through a visitor's browser.</li>
 * <li>With a token, reads need it: {@code Authorization: Bearer TOKEN} (curl, Prometheus), or a session
 *     cookie obtained by signing in with it.</li>
 * <li>Every state-changing call is a POST, and a POST from a browser session must carry the session's
 *     CSRF token in {@code X-CSRF-Token} and must not come from another site (Origin and Sec-Fetch-Site
 *     checked). Bearer callers send no cookies, so they cannot be forged cross-site, but a foreign Origin
 *     is refused all the same.</li>
 * </ul>
 */
public final class AccessPolicy {
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** Sign-in attempts allowed per window before further ones are refused, whoever sends them. */
    static final int SIGN_IN_BURST = 10;
    static final Duration SIGN_IN_WINDOW = Duration.ofMinutes(1);

    private volatile WebConfig config;
    private final BrowserSessions sessions;
    private final Guesses guesses = new Guesses();

    public AccessPolicy(WebConfig config, BrowserSessions sessions) {
        this.config = config;
        this.sessions = sessions;
    }

    /** A new token signs every browser out; other changes keep sessions. */
    public void reconfigure(WebConfig newConfig) {
        if (!newConfig.token().equals(config.token())) {
            sessions.clear();
        }
        config = newConfig;
    }

    public boolean tokenRequired() {
        return config.token().isPresent();
    }

    public enum Verdict {
        ALLOW, UNAUTHENTICATED, THROTTLED, FORBIDDEN_HOST, FORBIDDEN_ORIGIN, FORBIDDEN_CSRF
    }

    /**
     * @param verdict  what to do with the request
     * @param session  the caller's browser session, when it sent a valid cookie
     * @param reason   one line for the 401/403 body and the debug log
     */
    public record Decision(Verdict verdict, Optional<BrowserSessions.Session> session, String reason) {
        public boolean allowed() {
            return verdict == Verdict.ALLOW;
        }
    }

    /** Whether a request that reads ({@code write=false}) or changes state may proceed. */
    public Decision check(WebRequest request, boolean write, Instant now) {
        WebConfig c = config;
        Optional<BrowserSessions.Session> session = request.cookie(BrowserSessions.COOKIE)
                .flatMap(id -> sessions.find(id, now));
        if (c.token().isEmpty() && !hostIsThisMachine(request, c)) {
            return new Decision(Verdict.FORBIDDEN_HOST, session,
                    "Host header must name this machine (localhost or " + c.bind().getHostAddress() + ")");
        }
        if (write && !sameOrigin(request)) {
            return new Decision(Verdict.FORBIDDEN_ORIGIN, session, "cross-site request refused");
        }
        boolean bearer = false;
        if (c.token().isPresent() && request.header("authorization").isPresent()) {
            InetAddress from = request.remote() == null ? null : request.remote().getAddress();
            if (guesses.locked(from, now)) {
                return new Decision(Verdict.THROTTLED, session, "too many wrong tokens from this address: wait a minute");
            }
            bearer = bearerMatches(request, c.token().get());
            if (!bearer) {
                guesses.failed(from, now);
            }
        }
        boolean authenticated = c.token().isEmpty() || bearer
                || session.map(BrowserSessions.Session::authenticated).orElse(false);
        if (!authenticated) {
            return new Decision(Verdict.UNAUTHENTICATED, session, "sign in with the access token");
        }
        if (write && !bearer) {
            // A browser: cookies ride along on cross-site requests, so demand what only our page can know.
            String sent = request.header(CSRF_HEADER).orElse("");
            boolean ok = session.map(s -> java.security.MessageDigest.isEqual(
                    s.csrfToken().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    sent.getBytes(java.nio.charset.StandardCharsets.UTF_8))).orElse(false);
            if (!ok || sent.isEmpty()) {
                return new Decision(Verdict.FORBIDDEN_CSRF, session, "missing or wrong " + CSRF_HEADER
                        + " (reload the page)");
            }
        }
        return new Decision(Verdict.ALLOW, session, "");
    }

    /**
     * Checks a sign-in attempt. Wrong tokens (here or as Bearer) are limited per source address: after
     * {@value #SIGN_IN_BURST} in a minute that address is refused until the minute is over, right token
     * or not, so guessing is hopeless while everyone else can still sign in.
     */
    public boolean signIn(String candidate, InetAddress from, Instant now) {
        if (guesses.locked(from, now)) {
            return false;
        }
        Optional<AccessToken> token = config.token();
        boolean ok = token.isEmpty() || token.get().matches(candidate);
        if (!ok) {
            guesses.failed(from, now);
        }
        return ok;
    }

    public boolean signInLocked(InetAddress from, Instant now) {
        return guesses.locked(from, now);
    }

    /** Wrong-token counts per source address, in fixed one-minute windows; a bounded number of addresses. */
    static final class Guesses {
        private record Window(Instant start, int failures) {
        }

        private final LinkedHashMap<InetAddress, Window> byAddress = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Window> eldest) {
                return size() > 1024;
            }
        };

        synchronized void failed(InetAddress from, Instant now) {
            Window w = current(from, now);
            byAddress.put(key(from), new Window(w.start(), w.failures() + 1));
        }

        synchronized boolean locked(InetAddress from, Instant now) {
            return current(from, now).failures() >= SIGN_IN_BURST;
        }

        private Window current(InetAddress from, Instant now) {
            Window w = byAddress.get(key(from));
            if (w == null || Duration.between(w.start(), now).compareTo(SIGN_IN_WINDOW) >= 0) {
                w = new Window(now, 0);
                byAddress.put(key(from), w);
            }
            return w;
        }

        private static InetAddress key(InetAddress from) {
            return from == null ? InetAddress.getLoopbackAddress() : from;
        }
    }

    private static boolean bearerMatches(WebRequest request, AccessToken token) {
        return request.header("authorization")
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> token.matches(h.substring(7).trim()))
                .orElse(false);
    }

    /** Whether a browser request comes from our own pages (or from a non-browser client). */
    public boolean sameSite(WebRequest request) {
        return sameOrigin(request);
    }

    /** RFC 6454 origins: a browser's POST names where the page came from; it must be us. */
    static boolean sameOrigin(WebRequest request) {
        Optional<String> fetchSite = request.header("sec-fetch-site");
        if (fetchSite.isPresent()) {
            String site = fetchSite.get().toLowerCase(Locale.ROOT);
            if (!site.equals("same-origin") && !site.equals("none")) {
                return false;
            }
        }
        Optional<String> origin = request.header("origin");
        if (origin.isEmpty()) {
            return true;
        }
        String host = request.header("host").orElse("");
        String o = origin.get().toLowerCase(Locale.ROOT);
        return !host.isEmpty() && (o.equals("http://" + host.toLowerCase(Locale.ROOT))
                || o.equals("https://" + host.toLowerCase(Locale.ROOT)));
    }

    static boolean hostIsThisMachine(WebRequest request, WebConfig c) {
        String host = request.header("host").orElse("").trim().toLowerCase(Locale.ROOT);
        if (host.isEmpty()) {
            return false;
        }
        String name;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                return false;
            }
            name = host.substring(1, close);
        } else {
            int colon = host.indexOf(':');
            name = colon >= 0 ? host.substring(0, colon) : host;
        }
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return true;
        }
        Optional<InetAddress> literal = DeviceKeys.address(name);
        return literal.map(a -> a.isLoopbackAddress() || a.equals(c.bind())).orElse(false);
    }
}
