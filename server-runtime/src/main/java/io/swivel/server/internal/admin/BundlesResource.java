package io.swivel.server.internal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.classloader.LoaderLeakTracker;
import io.swivel.server.internal.deploy.BundleView;
import io.swivel.server.internal.deploy.Canaries;
import io.swivel.server.internal.deploy.Deployments;
import io.swivel.server.internal.deploy.Shadows;
import io.swivel.server.internal.deploy.RollbackException;
import io.swivel.server.internal.deploy.UndeployRefusedException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The bundle routes of the admin API:
 * <ul>
 *   <li>{@code GET /v1/bundles}: {@code {"bundles": [...], "closedNotCollected": [...], "leakSuspects": [...]}}
 *       (the loaders of {@code closedNotCollected} closed over {@link #LEAK_SUSPECT_AFTER} ago), each
 *       bundle with its active and standby versions, state, services, in-flight calls, last
 *       error and history;</li>
 *   <li>{@code GET /v1/bundles/{name}}: one bundle;</li>
 *   <li>{@code POST /v1/bundles/{name}/rollback}, body optional {@code {"to": "VERSION"}};</li>
 *   <li>{@code POST /v1/bundles/{name}/undeploy} (409 {@code UNDEPLOY_REFUSED} when the jar holds a
 *       version that did not deploy, which deleting would lose);</li>
 *   <li>{@code POST /v1/bundles/{name}/canary}, body {@code {"jar": "/path/on/the/server.jar", "steps":
 *       [1, 5, 25, 50, 100], "stepEvery": "1m", "sticky": false}} (all but {@code jar} optional): starts
 *       a canary beside the version serving ({@link CanaryRoutes});</li>
 *   <li>{@code POST /v1/bundles/{name}/canary/promote}, {@code .../abort}, {@code .../pause},
 *       {@code .../resume};</li>
 *   <li>{@code GET|POST /v1/bundles/{name}/shadow}, {@code POST .../shadow/stop}, {@code .../shadow/promote}:
 *       a shadow taking copies of the calls ({@link ShadowRoutes}); {@code GET /v1/bundles/{name}}
 *       (and its entry in {@code GET /v1/bundles}, which the admin page reads) then has a
 *       {@code shadow} field with its counts and last mismatches;</li>
 *   <li>{@code GET /v1/bundles/{name}/series}: the admin page's chart ({@link SeriesRoute}).</li>
 * </ul>
 * {@code POST /v1/bundles} (an upload) and {@code GET /v1/bundles/{name}/jar} stream, and are
 * answered before the body aggregator by {@link TransferHandler}.
 */
final class BundlesResource {

    private static final String PREFIX = "/v1/bundles";

    private final Deployments deployer;
    private final Shadows shadows;
    private final Function<String, Optional<String>> undeploy;
    private final LoaderLeakTracker leakTracker;
    private final ObjectMapper mapper;
    private final CanaryRoutes canary;
    private final ShadowRoutes shadow;
    private final SeriesRoute series;

    BundlesResource(Deployments deployer, Canaries canaries, Shadows shadows,
                    Function<String, Optional<String>> undeploy, LoaderLeakTracker leakTracker, ObjectMapper mapper) {
        this.deployer = deployer;
        this.shadows = shadows;
        this.undeploy = undeploy;
        this.leakTracker = leakTracker;
        this.mapper = mapper;
        this.canary = new CanaryRoutes(canaries, mapper);
        this.shadow = new ShadowRoutes(shadows, mapper);
        this.series = new SeriesRoute(deployer);
    }

    /** How long a closed loader may stay uncollected before {@code leakSuspects} names it. */
    static final java.time.Duration LEAK_SUSPECT_AFTER = java.time.Duration.ofSeconds(60);

    static boolean handles(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    /**
     * Answers one request under {@code /v1/bundles}.
     *
     * @param method the HTTP method
     * @param path the path
     * @param body the request body (empty for GET)
     * @return the answer
     */
    CallResource.Answer handle(String method, String path, byte[] body) {
        if (path.equals(PREFIX)) {
            if (!method.equals("GET")) {
                return error(405, "METHOD_NOT_ALLOWED", "use GET " + PREFIX);
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("bundles", deployer.status().stream().map(this::withShadow).toList());
            List<String> suspects = leakTracker.suspects(LEAK_SUSPECT_AFTER); // first: it may run a collection
            answer.put("closedNotCollected", leakTracker.uncollected());
            answer.put("leakSuspects", suspects);
            return new CallResource.Answer(200, answer);
        }
        String rest = path.substring(PREFIX.length() + 1);
        int slash = rest.indexOf('/');
        String name = slash < 0 ? rest : rest.substring(0, slash);
        String action = slash < 0 ? "" : rest.substring(slash + 1);
        switch (action) {
            case "" -> {
                if (!method.equals("GET")) {
                    return error(405, "METHOD_NOT_ALLOWED", "use GET " + PREFIX + "/" + name);
                }
                Optional<BundleView> view = deployer.status(name);
                return view.<CallResource.Answer>map(v -> new CallResource.Answer(200, withShadow(v)))
                        .orElseGet(() -> error(404, "NOT_FOUND", "no bundle " + name + "; bundles: " + deployer.servingNames()));
            }
            case SeriesRoute.ACTION -> {
                return series.handle(method, name);
            }
            case "rollback" -> {
                return method.equals("POST") ? rollback(name, body)
                        : error(405, "METHOD_NOT_ALLOWED", "use POST " + PREFIX + "/" + name + "/rollback");
            }
            case "undeploy" -> {
                if (!method.equals("POST")) {
                    return error(405, "METHOD_NOT_ALLOWED", "use POST " + PREFIX + "/" + name + "/undeploy");
                }
                Optional<String> done;
                try {
                    done = undeploy.apply(name);
                } catch (UndeployRefusedException e) {
                    return error(409, "UNDEPLOY_REFUSED", e.getMessage());
                }
                return done.<CallResource.Answer>map(message -> ok(name, message))
                        .orElseGet(() -> error(404, "NOT_FOUND", "no bundle " + name + " serves here; bundles: "
                                + deployer.servingNames()));
            }
            default -> {
                if (action.equals("shadow") || action.startsWith("shadow/")) {
                    return shadow.handle(method, name, action, body);
                }
                if (action.equals("canary") || action.startsWith("canary/")) {
                    return method.equals("POST") ? canary.handle(name, action, body)
                            : error(405, "METHOD_NOT_ALLOWED", "use POST " + PREFIX + "/" + name + "/" + action);
                }
                return error(404, "NOT_FOUND", "no route " + method + " " + path
                        + "; bundle actions: series (GET), rollback, undeploy, canary, canary/promote, canary/abort, canary/pause, "
                        + "canary/resume (POST), shadow (GET, POST), shadow/stop, shadow/promote (POST), jar (GET)");
            }
        }
    }

    private CallResource.Answer rollback(String name, byte[] body) {
        String to = null;
        if (body.length > 0) {
            JsonNode request;
            try {
                request = mapper.readTree(body);
            } catch (IOException e) {
                return error(400, "BAD_REQUEST", "the body is not JSON; send {} or {\"to\": \"VERSION\"}");
            }
            if (request != null && request.hasNonNull("to")) {
                if (!request.get("to").isTextual()) {
                    return error(400, "BAD_REQUEST", "\"to\" must be a version string");
                }
                to = request.get("to").asText();
            }
        }
        try {
            return ok(name, deployer.rollback(name, to, Deployments.BY_ADMIN, null));
        } catch (RollbackException e) {
            return switch (e.reason()) {
                case UNKNOWN_BUNDLE -> error(404, "NOT_FOUND", e.getMessage());
                case NOTHING_TO_ROLL_BACK_TO -> error(409, "NOTHING_TO_ROLL_BACK_TO", e.getMessage());
                case LOAD_FAILED -> error(500, "ROLLBACK_FAILED", e.getMessage());
            };
        }
    }

    /** A bundle's view, with its shadow's report when it runs one. */
    private Object withShadow(BundleView view) {
        Optional<Map<String, Object>> report = shadows.shadowView(view.name());
        if (report.isEmpty()) {
            return view;
        }
        com.fasterxml.jackson.databind.node.ObjectNode node = mapper.valueToTree(view);
        node.set("shadow", mapper.valueToTree(report.get()));
        return node;
    }

    static CallResource.Answer ok(String bundle, String message) {
        return new CallResource.Answer(200, Map.of("status", "OK", "bundle", bundle, "message", message));
    }

    static CallResource.Answer error(int httpStatus, String code, String message) {
        return new CallResource.Answer(httpStatus, Map.of("status", code, "message", message));
    }
}
