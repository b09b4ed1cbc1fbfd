package io.swivel.server.internal.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.server.internal.dispatch.ServiceDirectory;
import io.swivel.server.internal.health.ServerHealth;
import io.swivel.server.internal.metrics.PrometheusServerMetrics;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what each admin request gets. Called on the event loop: answers there only what needs
 * no I/O and no lock ({@code /v1/health} from {@link ServerHealth}, the token checks, the page's
 * files from memory, the sign-in cookie); everything else (bundles, rollback, undeploy, services,
 * metrics, the start of a call) runs on the admin API's bounded executor, and a full executor is
 * answered {@code 503} at once. {@code POST /v1/call} holds one of {@code --admin-max-calls}
 * permits until the bundle answers, not a thread.
 */
final class AdminRoutes {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    static final String HEALTH = "/v1/health";
    static final String SIGN_IN = "/v1/signin";
    static final String SIGN_OUT = "/v1/signout";

    private final ServiceDirectory directory;
    private final ServerHealth health;
    private final AdminToken token;
    private final ObjectMapper mapper;
    private final CallResource calls;
    private final BundlesResource bundles;
    private final ServicesResource services;
    private final EventsResource events;
    private final PrometheusServerMetrics metrics;
    private final AdminPage page = new AdminPage();
    private final Refusals refusals;
    private final Executor executor;
    private final String executorBounds;
    private final Semaphore callPermits;
    private final int maxCalls;
    private final int maxConnections;

    AdminRoutes(ServiceDirectory directory, ServerHealth health, AdminToken token, ObjectMapper mapper,
                CallResource calls, BundlesResource bundles, ServicesResource services, EventsResource events,
                PrometheusServerMetrics metrics, Refusals refusals, Executor executor, String executorBounds, int maxCalls, int maxConnections) {
        this.directory = directory;
        this.health = health;
        this.token = token;
        this.mapper = mapper;
        this.calls = calls;
        this.bundles = bundles;
        this.services = services;
        this.events = events;
        this.metrics = metrics;
        this.refusals = refusals;
        this.executor = executor;
        this.executorBounds = executorBounds;
        this.callPermits = new Semaphore(maxCalls);
        this.maxCalls = maxCalls;
        this.maxConnections = maxConnections;
    }

    /** @return calls from {@code POST /v1/call} running now */
    int runningCalls() {
        return maxCalls - callPermits.availablePermits();
    }

    /**
     * Answers one request.
     *
     * @param request the request
     * @param overCap true on a connection beyond {@code --admin-max-connections}: only health is answered there
     * @return the answer, complete or to come from the executor or a bundle
     */
    CompletableFuture<AdminReply> handle(AdminRequest request, boolean overCap) {
        String method = request.method();
        String path = request.path();
        if (path.equals(HEALTH)) {
            return done(health());
        }
        if (overCap) {
            refusals.refused(Refusals.Cause.CONNECTIONS, method + " " + path + ": more than " + maxConnections
                    + " admin connections open (--admin-max-connections); answered 503");
            return done(error(503, "UNAVAILABLE", "more than " + maxConnections + " admin connections are open "
                    + "(--admin-max-connections " + maxConnections + "); a new connection is answered only for "
                    + HEALTH + " until some close; retry"));
        }
        AdminPage.Asset asset = page.publicAsset(method, path);
        if (asset != null) {
            return done(AdminPage.reply(200, asset));
        }
        if (path.equals(SIGN_OUT)) {
            return done(signOut(request));
        }
        boolean bearer = token.matches(request.authorization());
        if (!bearer && !token.matchesCookie(request.cookieName(), request.cookies())) {
            return done(unauthorized(request));
        }
        if (!bearer && request.changes() && !request.hasCsrfHeader()) {
            return done(error(403, "FORBIDDEN", "a " + method + " authorized by the " + request.cookieName()
                    + " cookie must carry the header " + AdminServer.CSRF_HEADER + ": 1"));
        }
        if (path.equals(SIGN_IN)) {
            return done(method.equals("POST")
                    ? AdminReply.json(200, HttpJson.error("OK", "signed in: the " + request.cookieName()
                            + " cookie authorizes this browser on this server until it closes"), mapper)
                            .with("Set-Cookie", token.setCookie(request.cookieName()))
                    : error(405, "METHOD_NOT_ALLOWED", "use POST " + SIGN_IN + " with Authorization: Bearer <token>"));
        }
        asset = page.protectedAsset(method, path);
        if (asset != null) {
            return done(AdminPage.reply(200, asset));
        }
        if (path.equals("/v1/call") && method.equals("POST")) {
            return call(request);
        }
        CompletableFuture<AdminReply> reply = new CompletableFuture<>();
        try {
            executor.execute(() -> reply.complete(route(request)));
        } catch (RejectedExecutionException e) {
            return done(busy(request));
        }
        return reply;
    }

    private AdminReply health() {
        ServerHealth.Status status = health.status();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.word());
        body.put("reason", status.reason());
        body.put("since", status.since());
        body.put("bundles", directory.slots().size());
        return AdminReply.json(200, body, mapper);
    }

    private AdminReply signOut(AdminRequest request) {
        if (!request.method().equals("POST")) {
            return error(405, "METHOD_NOT_ALLOWED", "use POST " + SIGN_OUT);
        }
        if (!request.hasCsrfHeader()) {
            return error(403, "FORBIDDEN", "POST " + SIGN_OUT + " must carry the header " + AdminServer.CSRF_HEADER + ": 1");
        }
        return AdminReply.json(200, HttpJson.error("OK", "signed out: this browser forgot the " + request.cookieName()
                + " cookie"), mapper).with("Set-Cookie", AdminToken.clearCookie(request.cookieName()));
    }

    private AdminReply unauthorized(AdminRequest request) {
        if (AdminPage.isPage(request.path()) && request.method().equals("GET")) {
            boolean stale = AdminToken.hasCookie(request.cookieName(), request.cookies());
            AdminReply signIn = AdminPage.reply(401, page.signIn(stale)).with("WWW-Authenticate", "Bearer realm=\"swivel\"");
            return stale ? signIn.with("Set-Cookie", AdminToken.clearCookie(request.cookieName())) : signIn;
        }
        return error(401, "UNAUTHORIZED", "missing or wrong bearer token; it is in <data-dir>/admin.token")
                .with("WWW-Authenticate", "Bearer realm=\"swivel\"");
    }

    private CompletableFuture<AdminReply> call(AdminRequest request) {
        if (!callPermits.tryAcquire()) {
            refusals.refused(Refusals.Cause.CALLS, "POST /v1/call: " + maxCalls + " admin calls already running "
                    + "(--admin-max-calls); answered 503");
            return done(error(503, "OVERLOADED", maxCalls + " calls through the admin API are running, as many as "
                    + "--admin-max-calls " + maxCalls + " allows; retry when one has answered"));
        }
        CompletableFuture<AdminReply> reply = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    calls.call(request.body()).whenComplete((answer, failure) -> {
                        callPermits.release();
                        reply.complete(failure == null ? AdminReply.json(answer.httpStatus(), answer.body(), mapper)
                                : failed(request, failure));
                    });
                } catch (RuntimeException e) {
                    callPermits.release();
                    reply.complete(failed(request, e));
                }
            });
        } catch (RejectedExecutionException e) {
            callPermits.release();
            return done(busy(request));
        }
        return reply;
    }

    /** Runs on the executor: the routes that read state, take deploy locks or ask ZooKeeper. */
    private AdminReply route(AdminRequest request) {
        String method = request.method();
        String path = request.path();
        try {
            CallResource.Answer answer;
            if (path.equals("/metrics")) {
                if (!method.equals("GET")) {
                    return error(405, "METHOD_NOT_ALLOWED", "use GET /metrics");
                }
                PrometheusServerMetrics.Scrape scrape = metrics.scrape(request.accept());
                return new AdminReply(200, scrape.contentType(), scrape.body().getBytes(StandardCharsets.UTF_8), Map.of());
            } else if (BundlesResource.handles(path)) {
                answer = bundles.handle(method, path, request.body());
            } else if (path.equals(ServicesResource.PATH)) {
                answer = services.handle(method);
            } else if (path.equals(EventsResource.PATH)) {
                answer = events.handle(request);
            } else {
                answer = new CallResource.Answer(404, Map.of("status", "NOT_FOUND", "message", "no route " + method + " " + path));
            }
            return AdminReply.json(answer.httpStatus(), answer.body(), mapper);
        } catch (RuntimeException e) {
            return failed(request, e);
        }
    }

    /** A failed route must still answer, or the CLI would report the server as unreachable. */
    private AdminReply failed(AdminRequest request, Throwable e) {
        log.warn("admin request {} {} failed: {}", request.method(), request.path(), e.toString(), e);
        return error(500, "INTERNAL", "the server failed: " + e.getMessage() + " (details in its log)");
    }

    private AdminReply busy(AdminRequest request) {
        refusals.refused(Refusals.Cause.BUSY, request.method() + " " + request.path() + ": the admin API's "
                + executorBounds + " are all taken; answered 503");
        return error(503, "UNAVAILABLE", "the admin API is busy (" + executorBounds + " all taken); retry");
    }

    private AdminReply error(int status, String code, String message) {
        return AdminReply.error(status, code, message, mapper);
    }

    private static CompletableFuture<AdminReply> done(AdminReply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
