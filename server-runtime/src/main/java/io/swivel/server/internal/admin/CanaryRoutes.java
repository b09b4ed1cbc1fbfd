package io.swivel.server.internal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.server.internal.deploy.CanaryException;
import io.swivel.server.internal.deploy.CanaryPlan;
import io.swivel.server.internal.deploy.Canaries;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The canary routes under {@code /v1/bundles/{name}/canary}: start one from a jar on the server
 * ({@code POST .../canary}), and {@code promote}, {@code abort}, {@code pause}, {@code resume}.
 * Answers 404 {@code NOT_FOUND} for a bundle that does not serve, 409 {@code NO_CANARY} for an
 * action without a canary, 400 {@code BAD_REQUEST} for a body or jar that cannot be used, 500
 * {@code CANARY_FAILED} for a canary that did not start.
 */
final class CanaryRoutes {

    /** Who acts, for the marker and the log. */
    static final String BY_ADMIN = "admin API (swivel canary)";

    private final Canaries deployer;
    private final ObjectMapper mapper;

    CanaryRoutes(Canaries deployer, ObjectMapper mapper) {
        this.deployer = deployer;
        this.mapper = mapper;
    }

    CallResource.Answer handle(String bundle, String action, byte[] body) {
        try {
            if (action.equals("canary")) {
                return start(bundle, body);
            }
            String verb = action.substring("canary/".length());
            Canaries.Action what;
            try {
                what = Canaries.Action.valueOf(verb.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return BundlesResource.error(404, "NOT_FOUND", "no canary action " + verb
                        + "; actions: promote, abort, pause, resume");
            }
            return BundlesResource.ok(bundle, deployer.canaryAction(bundle, what, BY_ADMIN));
        } catch (CanaryException e) {
            return switch (e.reason()) {
                case UNKNOWN_BUNDLE -> BundlesResource.error(404, "NOT_FOUND", e.getMessage());
                case NO_CANARY -> BundlesResource.error(409, "NO_CANARY", e.getMessage());
                case BAD_JAR -> BundlesResource.error(400, "BAD_REQUEST", e.getMessage());
                case START_FAILED -> BundlesResource.error(500, "CANARY_FAILED", e.getMessage());
            };
        }
    }

    private CallResource.Answer start(String bundle, byte[] body) throws CanaryException {
        JsonNode request;
        try {
            request = body.length == 0 ? null : mapper.readTree(body);
        } catch (IOException e) {
            request = null;
        }
        if (request == null || !request.path("jar").isTextual()) {
            return BundlesResource.error(400, "BAD_REQUEST", "send {\"jar\": \"/path/on/the/server.jar\"} and optionally "
                    + "\"steps\": [1, 5, 25, 50, 100], \"stepEvery\": \"1m\", \"sticky\": true");
        }
        CanaryPlan plan;
        try {
            plan = new CanaryPlan(steps(request.get("steps")),
                    request.path("stepEvery").isTextual() ? CanaryPlan.duration(request.get("stepEvery").asText())
                            : CanaryPlan.DEFAULT_STEP_EVERY,
                    request.path("sticky").asBoolean(false));
        } catch (IllegalArgumentException e) {
            return BundlesResource.error(400, "BAD_REQUEST", e.getMessage());
        }
        Path jar = Path.of(request.get("jar").asText()).toAbsolutePath();
        return BundlesResource.ok(bundle, deployer.canary(bundle, jar, plan));
    }

    private static List<Integer> steps(JsonNode steps) {
        if (steps == null || steps.isNull()) {
            return CanaryPlan.DEFAULT_STEPS;
        }
        if (steps.isTextual()) {
            return CanaryPlan.steps(steps.asText());
        }
        if (!steps.isArray()) {
            throw new IllegalArgumentException("steps: " + steps + " (expected: [1, 5, 25, 50, 100] or \"1,5,25,50,100\")");
        }
        List<Integer> weights = new ArrayList<>();
        for (JsonNode step : steps) {
            if (!step.canConvertToInt()) {
                throw new IllegalArgumentException("steps: " + steps + " (expected: whole percentages)");
            }
            weights.add(step.asInt());
        }
        return weights;
    }
}
