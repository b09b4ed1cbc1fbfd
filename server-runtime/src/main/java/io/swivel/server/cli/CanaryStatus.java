package io.swivel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/** The lines {@code swivel status} prints for a bundle running a canary, or rolled back from one. */
final class CanaryStatus {

    private CanaryStatus() {
    }

    static void print(PrintWriter out, JsonNode bundle) {
        JsonNode canary = bundle.path("canary");
        JsonNode rollout = bundle.path("rollout");
        if (canary.isObject() && rollout.isObject()) {
            out.printf("  canary %s (%s) takes %d%% of the calls, %s %d%%: step %d of %d (%s)%s%n",
                    canary.path("version").asText(), canary.path("state").asText(), rollout.path("weight").asInt(),
                    bundle.path("active").path("version").asText(), 100 - rollout.path("weight").asInt(),
                    rollout.path("step").asInt() + 1, rollout.path("steps").size(), rollout.path("plan").asText(),
                    rollout.path("paused").asBoolean() ? ", paused" : ", next step at " + rollout.path("nextStepAt").asText());
            JsonNode analysis = rollout.path("lastAnalysis");
            if (analysis.isObject()) {
                out.printf("  last analysis (%s, %s): %s%n", analysis.path("at").asText(),
                        analysis.path("outcome").asText().toLowerCase(java.util.Locale.ROOT), analysis.path("message").asText());
            }
        }
    }
}
