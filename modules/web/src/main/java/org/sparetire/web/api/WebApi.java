package org.sparetire.web.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigPrinter;
import org.sparetire.core.event.ServiceWarning;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.time.Clock;
import org.sparetire.web.ApplianceControl;
import org.sparetire.web.WebConfig;
import org.sparetire.web.codec.JsonWriter;
import org.sparetire.web.codec.WebRequest;
import org.sparetire.web.codec.WebResponse;
import org.sparetire.web.metrics.ApplianceMetrics;
import org.sparetire.web.policy.AccessPolicy;
import org.sparetire.web.policy.BrowserSessions;
import org.sparetire.web.policy.SecretRedaction;
import org.sparetire.web.store.Dashboard;
import org.sparetire.web.store.DeviceKeys;
import org.sparetire.web.store.DeviceSummary;
import org.sparetire.web.store.LeaseView;
import org.sparetire.web.store.SyslogLine;
import org.sparetire.web.store.TimelineEntry;
import org.sparetire.web.store.TransferView;

/**
 * Every page and API route: a request in, a response out (possibly later), no Netty. A route that needs
 * another service's figures (pools, a release, a reload) composes that service's future and finishes on
 * the caller's executor; nothing here waits. The routes are listed in docs/api.md.
 */
public final class WebApi {
    private static final Logger log = LoggerFactory.getLogger(WebApi.class);
    /** Paths that serve the dashboard page itself; the script picks the view from the path. */
    private static final Set<String> PAGES = Set.of("", "overview", "transfers", "leases", "syslog", "device",
            "devices", "config", "files");
    /** A reload that takes longer than this is reported as still running rather than holding the request. */
    private static final long RELOAD_WAIT_SECONDS = 30;
    /** A service that has not answered a question about its state by then is reported as not answering. */
    private static final long SERVICE_WAIT_SECONDS = 5;

    private final Dashboard dashboard;
    private final Supplier<ApplianceControl> control;
    private final ApplianceMetrics metrics;
    private final AccessPolicy access;
    private final BrowserSessions sessions;
    private final StaticAssets assets;
    private final Clock clock;
    private volatile WebConfig config;

    public WebApi(WebConfig config, Dashboard dashboard, Supplier<ApplianceControl> control, ApplianceMetrics metrics,
                  AccessPolicy access, BrowserSessions sessions, StaticAssets assets, Clock clock) {
        this.config = config;
        this.dashboard = dashboard;
        this.control = control;
        this.metrics = metrics;
        this.access = access;
        this.sessions = sessions;
        this.assets = assets;
        this.clock = clock;
    }

    public void reconfigure(WebConfig newConfig) {
        config = newConfig;
    }

    /**
     * @param executor where work continues once another service's future completes (the connection's own
     *                 event loop), so that work never runs on the other service's thread
     */
    public CompletableFuture<WebResponse> handle(WebRequest r, Executor executor) {
        try {
            return route(r, executor).thenApply(WebApi::secure);
        } catch (RuntimeException e) {
            log.warn("web: {} {} from {} failed: {}", r.method(), r.path(), r.remote(), e.toString());
            return CompletableFuture.completedFuture(secure(WebResponse.error(500, "internal error: " + e)));
        }
    }

    /** Headers that keep the page from being framed, sniffed or fed foreign scripts. */
    private static WebResponse secure(WebResponse w) {
        return w.withHeader("X-Content-Type-Options", "nosniff")
                .withHeader("X-Frame-Options", "DENY")
                .withHeader("Referrer-Policy", "no-referrer")
                .withHeader("Cache-Control", "no-store")
                .withHeader("Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'");
    }

    private static CompletableFuture<WebResponse> done(WebResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    /** Another service's answer, continued on our executor; one that does not come is an error, not a wait. */
    private static <T> CompletableFuture<WebResponse> after(CompletableFuture<T> asked, Executor executor,
                                                            java.util.function.Function<T, WebResponse> then) {
        return asked.orTimeout(SERVICE_WAIT_SECONDS, TimeUnit.SECONDS).handleAsync((value, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                String why = cause instanceof java.util.concurrent.TimeoutException ? "no answer within "
                        + SERVICE_WAIT_SECONDS + " s" : String.valueOf(cause.getMessage());
                return WebResponse.error(503, "not available now: " + why);
            }
            return then.apply(value);
        }, executor);
    }

    private CompletableFuture<WebResponse> route(WebRequest r, Executor executor) {
        List<String> seg = r.pathSegments();
        String first = seg.get(0);
        boolean get = r.method().equals("GET") || r.method().equals("HEAD");
        boolean post = r.method().equals("POST");
        Instant now = clock.now();

        // The page and its assets hold no data: served to anyone who passes the Host check.
        if (get && (PAGES.contains(first) && (seg.size() == 1 || first.equals("device")))) {
            AccessPolicy.Decision d = access.check(r, false, now);
            if (d.verdict() == AccessPolicy.Verdict.FORBIDDEN_HOST) {
                return done(WebResponse.error(403, d.reason()));
            }
            StaticAssets.Asset page = assets.page();
            return done(WebResponse.bytes(200, page.contentType(), page.body()));
        }
        if (get && first.equals("assets") && seg.size() == 2) {
            return done(assets.get(seg.get(1))
                    .map(a -> WebResponse.bytes(200, a.contentType(), a.body()))
                    .orElseGet(() -> WebResponse.error(404, "no such asset")));
        }
        if (first.equals("api") && seg.size() >= 2 && seg.get(1).equals("session")) {
            return done(get ? session(r, now) : methodNotAllowed("GET"));
        }
        if (first.equals("api") && seg.size() == 2 && seg.get(1).equals("login")) {
            return done(post ? login(r, now) : methodNotAllowed("POST"));
        }

        boolean write = !get;
        AccessPolicy.Decision d = access.check(r, write, now);
        if (!d.allowed()) {
            int status = switch (d.verdict()) {
                case UNAUTHENTICATED -> 401;
                case THROTTLED -> 429;
                default -> 403;
            };
            log.debug("web: {} {} from {} refused: {}", r.method(), r.path(), r.remote(), d.reason());
            WebResponse denied = WebResponse.error(status, d.reason());
            return done(status == 401 ? denied.withHeader("WWW-Authenticate", "Bearer realm=\"sparetire\"") : denied);
        }

        if (first.equals("metrics") && seg.size() == 1) {
            if (!get) {
                return done(methodNotAllowed("GET"));
            }
            return after(control.get().pools(), executor,
                    pools -> WebResponse.bytes(200, ApplianceMetrics.CONTENT_TYPE, metrics.scrape(pools)));
        }
        if (!first.equals("api") || seg.size() < 2) {
            return done(WebResponse.error(404, "no such page: " + r.path()));
        }
        String what = seg.get(1);
        switch (what) {
            case "overview":
                return get ? after(control.get().pools(), executor, pools -> overview(now, pools))
                        : done(methodNotAllowed("GET"));
            case "transfers":
                return done(get ? transfers(r) : methodNotAllowed("GET"));
            case "leases":
                if (seg.size() == 4 && seg.get(3).equals("release")) {
                    return post ? release(seg.get(2), r, executor) : done(methodNotAllowed("POST"));
                }
                return get && seg.size() == 2 ? leases(r, now, executor) : done(methodNotAllowed("GET"));
            case "syslog":
                return done(get ? syslog(r) : methodNotAllowed("GET"));
            case "devices":
                if (!get) {
                    return done(methodNotAllowed("GET"));
                }
                return done(seg.size() == 2 ? devices() : device(seg.get(2), now));
            case "config":
                return done(get ? config() : methodNotAllowed("GET"));
            case "files":
                if (!get) {
                    return done(methodNotAllowed("GET"));
                }
                return seg.size() == 3 && seg.get(2).equals("sha256") ? FilesApi.sha256(control.get(), r.param("name", null))
                        : FilesApi.list(control.get());
            case "reload":
                return post ? reload(r) : done(methodNotAllowed("POST"));
            case "logout":
                if (!post) {
                    return done(methodNotAllowed("POST"));
                }
                d.session().ifPresent(s -> sessions.remove(s.id()));
                return done(WebResponse.json("{\"signedOut\":true}").withHeader("Set-Cookie", BrowserSessions.clearCookie()));
            case "events":
                return done(get ? WebResponse.eventStream() : methodNotAllowed("GET"));
            default:
                return done(WebResponse.error(404, "no such API: " + r.path()));
        }
    }

    private static WebResponse methodNotAllowed(String allowed) {
        return WebResponse.error(405, "use " + allowed).withHeader("Allow", allowed);
    }

    // ---- session -----------------------------------------------------------------------------------

    private WebResponse session(WebRequest r, Instant now) {
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

    private WebResponse login(WebRequest r, Instant now) {
        AccessPolicy.Decision d = access.check(r, false, now);
        if (d.verdict() == AccessPolicy.Verdict.FORBIDDEN_HOST) {
            return WebResponse.error(403, d.reason());
        }
        if (!access.sameSite(r)) {
            return WebResponse.error(403, "cross-site request refused");
        }
        java.net.InetAddress from = r.remote() == null ? null : r.remote().getAddress();
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

    // ---- pages -------------------------------------------------------------------------------------

    private WebResponse overview(Instant now, List<ApplianceControl.PoolUsage> pools) {
        ApplianceControl c = control.get();
        JsonWriter w = new JsonWriter().beginObject().field("now", Views.time(now));
        w.name("services").beginArray();
        for (Map.Entry<String, ServiceHealth> e : c.health().entrySet()) {
            Views.health(w, e.getKey(), e.getValue());
        }
        w.endArray();
        Dashboard.Totals t = dashboard.totals();
        w.name("totals").beginObject();
        w.name("transfersByOutcome").beginObject();
        t.transfersByOutcome().forEach((k, v) -> w.field(Views.lower(k), v));
        w.endObject();
        w.field("activeTransfers", dashboard.activeTransfers().size())
                .field("bytesSent", t.bytesSent())
                .field("bytesReceived", t.bytesReceived())
                .field("retransmits", t.retransmits())
                .field("leaseEvents", t.leaseEvents())
                .field("syslogReceived", t.syslogReceived());
        c.syslogDropped().ifPresent(n -> w.field("syslogDropped", n));
        w.endObject();
        w.name("leaseStates").beginObject();
        dashboard.leaseStates().forEach((k, v) -> w.field(Views.lower(k), v));
        w.endObject();
        w.name("pools").beginArray();
        pools.forEach(p -> Views.pool(w, p));
        w.endArray();
        w.name("warnings").beginArray();
        for (ServiceWarning warning : dashboard.warnings(50)) {
            Views.warning(w, warning);
        }
        w.endArray();
        w.name("history").beginObject();
        dashboard.historyUse().forEach(w::field);
        w.endObject();
        c.bench().ifPresent(b -> {
            w.name("here");
            FilesApi.bench(w, b);
        });
        return WebResponse.json(w.endObject().toString());
    }

    private WebResponse transfers(WebRequest r) {
        Predicate<TransferView> filter = transferFilter(r);
        int limit = r.intParam("limit", 200, 1, 5000);
        JsonWriter w = new JsonWriter().beginObject();
        w.name("active").beginArray();
        dashboard.activeTransfers().stream().filter(filter).forEach(t -> Views.transfer(w, t));
        w.endArray();
        w.name("recent").beginArray();
        dashboard.recentTransfers(filter, limit).forEach(t -> Views.transfer(w, t));
        w.endArray();
        return WebResponse.json(w.endObject().toString());
    }

    /** {@code q} matches file, peer or MAC; {@code outcome}, {@code direction} and {@code device} match exactly. */
    static Predicate<TransferView> transferFilter(WebRequest r) {
        String q = r.param("q", "").toLowerCase(Locale.ROOT);
        String outcome = r.param("outcome", "").toLowerCase(Locale.ROOT);
        String direction = r.param("direction", "").toLowerCase(Locale.ROOT);
        String device = r.param("device", "").toLowerCase(Locale.ROOT);
        return t -> (q.isEmpty() || contains(t.file(), q) || contains(Views.endpoint(t.peer()), q) || contains(t.mac(), q))
                && (outcome.isEmpty() || outcome.equals(t.outcome() == null ? "active" : Views.lower(t.outcome())))
                && (direction.isEmpty() || direction.equals(Views.lower(t.direction())))
                && (device.isEmpty() || matchesDevice(device, t.mac(), t.peer() == null ? null : t.peer().getAddress()));
    }

    private static boolean contains(String haystack, String needle) {
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(needle);
    }

    private static boolean matchesDevice(String key, String mac, java.net.InetAddress address) {
        if (DeviceKeys.isMac(key)) {
            return DeviceKeys.normaliseMac(key).equals(mac);
        }
        return DeviceKeys.address(key).map(a -> a.equals(address)).orElse(false);
    }

    /** With a lease store that servers share, the leases in it join the dashboard's before the page is drawn. */
    private CompletableFuture<WebResponse> leases(WebRequest r, Instant now, Executor executor) {
        ApplianceControl c = control.get();
        CompletableFuture<List<ApplianceControl.PoolUsage>> pools = c.pools();
        if (!c.leasesShared()) {
            return after(pools, executor, p -> leases(r, now, p));
        }
        return after(c.currentLeases().thenCombine(pools, Map::entry), executor, both -> {
            dashboard.learnShared(both.getKey());
            return leases(r, now, both.getValue());
        });
    }

    private WebResponse leases(WebRequest r, Instant now, List<ApplianceControl.PoolUsage> pools) {
        String state = r.param("state", "").toLowerCase(Locale.ROOT);
        JsonWriter w = new JsonWriter().beginObject();
        w.name("leases").beginArray();
        for (LeaseView l : dashboard.leases()) {
            if (state.isEmpty() || Views.lower(l.state(now)).equals(state)) {
                Views.lease(w, l, now);
            }
        }
        w.endArray();
        w.name("pools").beginArray();
        pools.forEach(p -> Views.pool(w, p));
        w.endArray();
        return WebResponse.json(w.endObject().toString());
    }

    private CompletableFuture<WebResponse> release(String macText, WebRequest r, Executor executor) {
        if (!DeviceKeys.isMac(macText)) {
            return done(WebResponse.error(400, "not a MAC address: " + macText));
        }
        String mac = DeviceKeys.normaliseMac(macText);
        return after(control.get().releaseLease(mac), executor, result -> {
            log.info("web: release lease mac={} from {}: {}", mac, r.remote(), result);
            String body = new JsonWriter().beginObject().field("mac", mac).field("result", Views.lower(result))
                    .endObject().toString();
            return switch (result) {
                case RELEASED -> WebResponse.json(body);
                case NOT_FOUND -> WebResponse.json(404, body);
                default -> WebResponse.json(501, body);
            };
        });
    }

    private WebResponse syslog(WebRequest r) {
        String device = r.param("device", "").toLowerCase(Locale.ROOT);
        int maxSeverity = SyslogLine.parseSeverity(r.param("severity", ""));
        String q = r.param("q", "").toLowerCase(Locale.ROOT);
        long after = r.longParam("after", 0);
        int limit = r.intParam("limit", 200, 1, 5000);
        Predicate<SyslogLine> filter = l -> (device.isEmpty()
                || matchesDevice(device, l.mac(), l.sender() == null ? null : l.sender().getAddress())
                || device.equalsIgnoreCase(l.hostname() == null ? "" : l.hostname()))
                // Severity filters like syslog's own: "warning" shows warning and everything more severe.
                && (maxSeverity < 0 || (l.severity() >= 0 && l.severity() <= maxSeverity))
                && (q.isEmpty() || contains(l.message(), q) || contains(l.app(), q) || contains(l.hostname(), q));
        JsonWriter w = new JsonWriter().beginObject();
        w.name("lines").beginArray();
        dashboard.syslog(filter, after, limit).forEach(l -> Views.syslog(w, l));
        w.endArray();
        return WebResponse.json(w.endObject().toString());
    }

    private WebResponse devices() {
        JsonWriter w = new JsonWriter().beginObject();
        w.name("devices").beginArray();
        for (DeviceSummary d : dashboard.devices()) {
            Views.device(w, d);
        }
        w.endArray();
        return WebResponse.json(w.endObject().toString());
    }

    private WebResponse device(String key, Instant now) {
        boolean mac = DeviceKeys.isMac(key);
        Optional<java.net.InetAddress> address = mac ? Optional.empty() : DeviceKeys.address(key);
        if (!mac && address.isEmpty()) {
            return WebResponse.error(400, "a device is named by its MAC or IP address, not '" + key + "'");
        }
        String normal = mac ? DeviceKeys.normaliseMac(key) : address.get().getHostAddress();
        List<TimelineEntry> entries = dashboard.timeline(normal);
        JsonWriter w = new JsonWriter().beginObject()
                .field("key", normal)
                .field("kind", mac ? "mac" : "address");
        if (mac) {
            Optional<LeaseView> lease = dashboard.lease(normal);
            w.name("lease");
            if (lease.isPresent()) {
                Views.lease(w, lease.get(), now);
            } else {
                w.nullValue();
            }
        } else {
            w.field("holder", dashboard.holderNow(address.get()).orElse(null));
        }
        w.name("entries").beginArray();
        entries.forEach(e -> Views.timeline(w, e));
        w.endArray();
        return WebResponse.json(w.endObject().toString());
    }

    private WebResponse config() {
        ApplianceControl c = control.get();
        AppConfig app = c.config();
        var token = config.token();
        JsonWriter w = new JsonWriter().beginObject()
                .field("source", app == null ? null : app.source())
                .field("effective", app == null ? null : SecretRedaction.redact(ConfigPrinter.print(app), token))
                .field("text", c.configSource().map(t -> SecretRedaction.redact(t, token)).orElse(null))
                .endObject();
        return WebResponse.json(w.toString());
    }

    private CompletableFuture<WebResponse> reload(WebRequest r) {
        log.info("web: reload requested from {}", r.remote());
        return control.get().reload()
                .orTimeout(RELOAD_WAIT_SECONDS, TimeUnit.SECONDS)
                .handle((report, failure) -> {
                    if (failure != null) {
                        return WebResponse.error(500, "reload did not finish: " + failure.getMessage());
                    }
                    JsonWriter w = new JsonWriter();
                    Views.reload(w, report);
                    return WebResponse.json(report.applied() ? 200 : 422, w.toString());
                });
    }

    /** The bytes of one live update as a server-sent event (HTML Living Standard, section 9.2). */
    public static byte[] sseFrame(Dashboard.Update u, Instant now) {
        JsonWriter w = new JsonWriter();
        Object v = u.view();
        if (v instanceof TransferView t) {
            Views.transfer(w, t);
        } else if (v instanceof LeaseView l) {
            Views.lease(w, l, now);
        } else if (v instanceof SyslogLine s) {
            Views.syslog(w, s);
        } else if (v instanceof TimelineEntry e) {
            Views.timeline(w, e);
        } else if (v instanceof ServiceWarning e) {
            Views.warning(w, e);
        } else if (v instanceof org.sparetire.core.event.ServiceStateChanged e) {
            Views.serviceState(w, e);
        } else {
            return new byte[0];
        }
        // JsonWriter escapes every line break, so the data fits on one "data:" line.
        return ("event: " + u.topic() + "\ndata: " + w + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
