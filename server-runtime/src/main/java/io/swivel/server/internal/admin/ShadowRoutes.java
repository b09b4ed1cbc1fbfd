package io.swivel.server.internal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.server.internal.deploy.CanaryPlan;
import io.swivel.server.internal.deploy.Shadows;
import io.swivel.server.internal.deploy.ShadowException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shadow routes under {@code /v1/bundles/{name}/shadow}: stage one from a jar on the server
 * ({@code POST .../shadow}, body {@code {"jar": "/path.jar", "percent": 10, "threads": 2, "queue": 100}}),
 * its report ({@code GET .../shadow}), {@code POST .../shadow/stop} and {@code POST .../shadow/promote}
 * (body {@code {"to": "canary"}} (the default) with the canary's optional {@code steps},
 * {@code stepEvery} and {@code sticky}, or {@code {"to": "active"}}). Answers 404 {@code NOT_FOUND}
 * for a bundle that does not serve, 409 {@code NO_SHADOW} without a shadow, 400 {@code BAD_REQUEST}
 * for a body or jar that cannot be used, 500 {@code SHADOW_FAILED} for a version that did not start.
 */
final class ShadowRoutes {

    /** Who acts, for the marker and the log. */
    static final String BY_ADMIN = "admin API (swivel shadow)";

    private final Shadows deployer;
    private final ObjectMapper mapper;

    ShadowRoutes(Shadows deployer, ObjectMapper mapper) {
        this.deployer = deployer;
        this.mapper = mapper;
    }

    CallResource.Answer handle(String method, String bundle, String action, byte[] body) {
        try {
            JsonNode request = read(body);
            switch (action) {
                case "shadow" -> {
                    if (method.equals("GET")) {
                        Map<String, Object> answer = new LinkedHashMap<>();
                        answer.put("status", "OK");
                        answer.put("bundle", bundle);
                        answer.put("shadow", deployer.shadowReport(bundle));
                        return new CallResource.Answer(200, answer);
                    }
                    return method.equals("POST") ? start(bundle, request) : notAllowed(bundle, action, "GET or POST");
                }
                case "shadow/stop" -> {
                    return method.equals("POST") ? BundlesResource.ok(bundle, deployer.shadowStop(bundle))
                            : notAllowed(bundle, action, "POST");
                }
                case "shadow/promote" -> {
                    return method.equals("POST") ? promote(bundle, request) : notAllowed(bundle, action, "POST");
                }
                default -> {
                    return BundlesResource.error(404, "NOT_FOUND", "no shadow action " + action.substring("shadow".length())
                            + "; actions: GET shadow (report), POST shadow, shadow/stop, shadow/promote");
                }
            }
        } catch (IllegalArgumentException e) {
            return BundlesResource.error(400, "BAD_REQUEST", e.getMessage());
        } catch (ShadowException e) {
            return switch (e.reason()) {
                case UNKNOWN_BUNDLE -> BundlesResource.error(404, "NOT_FOUND", e.getMessage());
                case NO_SHADOW -> BundlesResource.error(409, "NO_SHADOW", e.getMessage());
                case BAD_REQUEST -> BundlesResource.error(400, "BAD_REQUEST", e.getMessage());
                case START_FAILED -> BundlesResource.error(500, "SHADOW_FAILED", e.getMessage());
            };
        }
    }

    private static CallResource.Answer notAllowed(String bundle, String action, String methods) {
        return BundlesResource.error(405, "METHOD_NOT_ALLOWED", "use " + methods + " /v1/bundles/" + bundle + "/" + action);
    }

    private JsonNode read(byte[] body) {
        if (body == null || body.length == 0) {
            return mapper.createObjectNode();
        }
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("the body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getMessage(), e);
        }
    }

    private CallResource.Answer start(String bundle, JsonNode request) throws ShadowException {
        if (!request.path("jar").isTextual()) {
            return BundlesResource.error(400, "BAD_REQUEST", "send {\"jar\": \"/path/on/the/server.jar\"} and optionally "
                    + "\"percent\": 10, \"threads\": 2, \"queue\": 100");
        }
        int percent = whole(request, "percent", 10);
        int threads = whole(request, "threads", 2);
        int queue = whole(request, "queue", 100);
        Path jar = Path.of(request.get("jar").asText()).toAbsolutePath();
        return BundlesResource.ok(bundle, deployer.shadow(bundle, jar, percent, threads, queue));
    }

    private CallResource.Answer promote(String bundle, JsonNode request) throws ShadowException {
        String to = request.path("to").asText("canary");
        if (!to.equals("canary") && !to.equals("active")) {
            return BundlesResource.error(400, "BAD_REQUEST", "to: " + to + " (expected: canary or active)");
        }
        CanaryPlan plan = new CanaryPlan(
                request.hasNonNull("steps") ? CanaryPlan.steps(request.get("steps").asText()) : CanaryPlan.DEFAULT_STEPS,
                request.path("stepEvery").isTextual() ? CanaryPlan.duration(request.get("stepEvery").asText())
                        : CanaryPlan.DEFAULT_STEP_EVERY,
                request.path("sticky").asBoolean(false));
        return BundlesResource.ok(bundle, deployer.shadowPromote(bundle, to.equals("active"), plan, BY_ADMIN));
    }

    private static int whole(JsonNode request, String field, int fallback) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: a whole number)");
        }
        return value.asInt();
    }
}
