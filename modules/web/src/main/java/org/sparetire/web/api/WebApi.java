package org.sparetire.web.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigPrinter;
import org.sparetire.core.event.ServiceWarning;
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
    private final SignIn signIn;
    private final DashboardPages pages;
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
        this.signIn = new SignIn(access, sessions);
        this.pages = new DashboardPages(dashboard, control);
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
            return done(get ? signIn.session(r, now) : methodNotAllowed("GET"));
        }
        if (first.equals("api") && seg.size() == 2 && seg.get(1).equals("login")) {
            return done(post ? signIn.login(r, now) : methodNotAllowed("POST"));
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
                return get ? after(control.get().pools(), executor, pools -> pages.overview(now, pools))
                        : done(methodNotAllowed("GET"));
            case "transfers":
                return done(get ? pages.transfers(r) : methodNotAllowed("GET"));
            case "leases":
                if (seg.size() == 4 && seg.get(3).equals("release")) {
                    return post ? release(seg.get(2), r, executor) : done(methodNotAllowed("POST"));
                }
                return get && seg.size() == 2 ? leases(r, now, executor) : done(methodNotAllowed("GET"));
            case "syslog":
                return done(get ? pages.syslog(r) : methodNotAllowed("GET"));
            case "devices":
                if (!get) {
                    return done(methodNotAllowed("GET"));
                }
                return done(seg.size() == 2 ? pages.devices() : pages.device(seg.get(2), now));
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

    /** With a lease store that servers share, the leases in it join the dashboard's before the page is drawn. */
    private CompletableFuture<WebResponse> leases(WebRequest r, Instant now, Executor executor) {
        ApplianceControl c = control.get();
        CompletableFuture<List<ApplianceControl.PoolUsage>> pools = c.pools();
        if (!c.leasesShared()) {
            return after(pools, executor, p -> pages.leases(r, now, p));
        }
        return after(c.currentLeases().thenCombine(pools, Map::entry), executor, both -> {
            dashboard.learnShared(both.getKey());
            return pages.leases(r, now, both.getValue());
        });
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
