package org.sparetire.web.api;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.web.codec.JsonWriter;
import org.sparetire.web.codec.WebRequest;
import org.sparetire.web.codec.WebResponse;
import org.sparetire.web.policy.AccessPolicy;
import org.sparetire.web.policy.BrowserSessions;

/**
 * The two routes a browser calls before it may read anything: {@code /api/session} (is a token needed, am I
 * in, my CSRF token) and {@code /api/login} (trade the access token for a session cookie).
 */
final class SignIn {
    private static final Logger log = LoggerFactory.getLogger(SignIn.class);

    private final AccessPolicy access;
    private final BrowserSessions sessions;

    SignIn(AccessPolicy access, BrowserSessions sessions) {
        this.access = access;
        this.sessions = sessions;
    }

    WebResponse session(WebRequest r, Instant now) {
        AccessPolicy.Decision d = access.check(r, false, now);
        if (d.verdict() == AccessPolicy.Verdict.FORBIDDEN_HOST) {
            return WebResponse.error(403, d.reason());
        }
        Optional<BrowserSessions.Session> session = d.session();
        String setCookie = null;
        if (session.isEmpty() && !access.tokenRequired()) {
            // No token: every local caller may use the dashboard; the session only carries the CSRF token.
            BrowserSessions.Session s = sessions.create(true, now);
            session = Optional.of(s);
            setCookie = BrowserSessions.setCookie(s);
        }
        boolean authenticated = d.allowed();
        JsonWriter w = new JsonWriter().beginObject()
                .field("tokenRequired", access.tokenRequired())
                .field("authenticated", authenticated)
                .field("csrf", authenticated ? session.map(BrowserSessions.Session::csrfToken).orElse(null) : null)
                .field("csrfHeader", AccessPolicy.CSRF_HEADER)
                .endObject();
        WebResponse resp = WebResponse.json(w.toString());
        return setCookie == null ? resp : resp.withHeader("Set-Cookie", setCookie);
    }

    WebResponse login(WebRequest r, Instant now) {
        AccessPolicy.Decision d = access.check(r, false, now);
        if (d.verdict() == AccessPolicy.Verdict.FORBIDDEN_HOST) {
            return WebResponse.error(403, d.reason());
        }
        if (!access.sameSite(r)) {
            return WebResponse.error(403, "cross-site request refused");
        }
        InetAddress from = r.remote() == null ? null : r.remote().getAddress();
        if (access.signInLocked(from, now)) {
            return WebResponse.error(429, "too many wrong tokens: wait a minute");
        }
        String candidate = r.form().getOrDefault("token", "");
        if (!access.signIn(candidate, from, now)) {
            log.warn("web: wrong access token from {}", r.remote());
            return WebResponse.error(401, "wrong access token");
        }
        // A new session id on every sign-in, so an id planted before cannot be promoted (session fixation).
        d.session().ifPresent(s -> sessions.remove(s.id()));
        BrowserSessions.Session s = sessions.create(true, now);
        log.info("web: signed in from {}", r.remote());
        return WebResponse.json(new JsonWriter().beginObject().field("authenticated", true)
                        .field("csrf", s.csrfToken()).endObject().toString())
                .withHeader("Set-Cookie", BrowserSessions.setCookie(s));
    }
}
