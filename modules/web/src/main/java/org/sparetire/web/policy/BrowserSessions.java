package org.sparetire.web.policy;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Browser sessions: an unguessable id in an HttpOnly, SameSite=Strict cookie, each with its own CSRF
 * token that the page sends back in a header on every POST. Bounded in number (the least recently
 * used goes first) and in idle time, so a script opening sessions cannot grow the heap.
 */
public final class BrowserSessions {
    public static final String COOKIE = "sparetire_session";
    static final int MAX_SESSIONS = 256;
    static final Duration IDLE_LIMIT = Duration.ofHours(12);

    /**
     * @param authenticated true once the access token was shown (always true when none is configured)
     */
    public record Session(String id, String csrfToken, boolean authenticated, Instant lastUsed) {
    }

    /**
     * NIST SP 800-90A DRBG, seeded once here from the operating system (off the event loop); the default
     * NativePRNG would read /dev/urandom on every call, which is file I/O on the web's event loop.
     */
    private final SecureRandom random = seeded();
    private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
            return size() > MAX_SESSIONS;
        }
    };

    public synchronized Session create(boolean authenticated, Instant now) {
        Session s = new Session(randomId(), randomId(), authenticated, now);
        sessions.put(s.id(), s);
        return s;
    }

    /** The live session with this id, its idle clock restarted; empty when unknown or idle too long. */
    public synchronized Optional<Session> find(String id, Instant now) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        if (Duration.between(s.lastUsed(), now).compareTo(IDLE_LIMIT) > 0) {
            sessions.remove(id);
            return Optional.empty();
        }
        Session touched = new Session(s.id(), s.csrfToken(), s.authenticated(), now);
        sessions.put(id, touched);
        return Optional.of(touched);
    }

    public synchronized void remove(String id) {
        sessions.remove(id);
    }

    /** Forgets every session, as when the token changes: everyone signs in again. */
    public synchronized void clear() {
        sessions.clear();
    }

    public synchronized int size() {
        return sessions.size();
    }

    private static SecureRandom seeded() {
        SecureRandom r;
        try {
            r = SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            r = new SecureRandom();
        }
        r.nextBytes(new byte[1]); // instantiates and seeds now
        return r;
    }

    private String randomId() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The Set-Cookie value for a session: not readable by scripts, never sent by other sites. */
    public static String setCookie(Session s) {
        return COOKIE + "=" + s.id() + "; Path=/; HttpOnly; SameSite=Strict";
    }

    public static String clearCookie() {
        return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
    }
}
