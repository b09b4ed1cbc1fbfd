package io.swivel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code swivel shadow BUNDLE JAR [--percent 10] [--threads 2] [--queue 100]} stages a version as
 * the shadow of a bundle: it serves no caller and receives copies of live calls to
 * {@code @Idempotent} methods, its answers compared with the live ones;
 * {@code swivel shadow BUNDLE --report|--stop|--promote [--active]} reads or ends it.
 */
@Command(name = "shadow", description = "Stage a new version of a bundle as a shadow beside the version serving: it "
        + "serves no caller, receives copies of a share of the live calls to @Idempotent methods (never another "
        + "method) on its own bounded executor, and its answers are compared with the live ones. With --report, "
        + "--stop or --promote: act on the shadow running.")
final class ShadowCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "The bundle name, as 'swivel status' shows it.")
    String bundle;

    @Parameters(index = "1", arity = "0..1", paramLabel = "JAR",
            description = "The shadow's jar (a path the server can read: it runs on this machine).")
    Path jar;

    @Option(names = "--percent", paramLabel = "1..100",
            description = "The share of the calls to @Idempotent methods copied to the shadow (default: 10).")
    Integer percent;

    @Option(names = "--threads", paramLabel = "N", description = "The shadow's threads (default: 2, at most 64).")
    Integer threads;

    @Option(names = "--queue", paramLabel = "N", description = "Copies that may wait for a shadow thread; more are "
            + "dropped and counted, so a slow shadow never holds live calls back (default: 100).")
    Integer queue;

    @Option(names = "--active", description = "With --promote: make the shadow serve every call at once, instead of "
            + "starting it as a canary.")
    boolean active;

    /** With --promote: the steps of the canary the shadow's version starts as. */
    @Mixin
    CanarySteps steps;

    @ArgGroup(exclusive = true)
    Action action;

    static final class Action {
        @Option(names = "--report", description = "Print the shadow's counts and its last 20 mismatches.")
        boolean report;

        @Option(names = "--stop", description = "Stop the shadow: no more copies; it unloads.")
        boolean stop;

        @Option(names = "--promote", description = "Start the shadow's version as a canary (the default steps, or "
                + "--steps/--step-every/--sticky), or with --active make it serve every call now; the shadow stops.")
        boolean promote;

        String name() {
            return report ? "report" : stop ? "stop" : "promote";
        }
    }

    @Mixin
    AdminOptions admin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (action != null && jar != null) {
            throw new CliException("give either a JAR to start a shadow or --" + action.name() + ", not both");
        }
        if (action == null && jar == null) {
            throw new CliException("give the shadow's JAR, or one of --report, --stop, --promote");
        }
        if ((active || steps.given()) && (action == null || !action.promote)) {
            throw new CliException("--active, --steps, --step-every and --sticky go with --promote");
        }
        String route = "/v1/bundles/" + bundle + "/shadow";
        AdminClient.Reply reply;
        if (action == null) {
            reply = admin.client().post(route, startBody());
        } else if (action.report) {
            reply = admin.client().get(route);
        } else if (action.stop) {
            reply = admin.client().post(route + "/stop", Map.of());
        } else {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("to", active ? "active" : "canary");
            reply = admin.client().post(route + "/promote", steps.addTo(body));
        }
        JsonNode answer = reply.ok();
        PrintWriter out = spec.commandLine().getOut();
        if (action != null && action.report) {
            print(out, answer.path("shadow"));
        } else {
            out.println(answer.path("message").asText());
        }
        return 0;
    }

    private Map<String, Object> startBody() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jar", CanarySteps.serverReadable(jar));
        if (percent != null) {
            body.put("percent", percent);
        }
        if (threads != null) {
            body.put("threads", threads);
        }
        if (queue != null) {
            body.put("queue", queue);
        }
        return body;
    }

    private void print(PrintWriter out, JsonNode shadow) {
        out.printf("%s shadow %s (%s): %d%% of @Idempotent calls, %d threads, queue %d%n", bundle,
                shadow.path("version").asText(), shadow.path("state").asText(), shadow.path("percent").asInt(),
                shadow.path("threads").asInt(), shadow.path("queue").asInt());
        out.printf("copied %d: %d matched, %d mismatched, %d failed on the shadow, %d dropped%n",
                shadow.path("copied").asLong(), shadow.path("matches").asLong(), shadow.path("mismatches").asLong(),
                shadow.path("errors").asLong(), shadow.path("dropped").asLong());
        if (shadow.hasNonNull("lastError")) {
            out.println("last shadow error: " + shadow.path("lastError").asText());
        }
        JsonNode mismatches = shadow.path("lastMismatches");
        if (mismatches.size() > 0) {
            out.printf("last %d mismatches (oldest first):%n", mismatches.size());
        }
        for (JsonNode mismatch : mismatches) {
            out.printf("  %s %s%s%n    live:   %s%n    shadow: %s%n", mismatch.path("at").asText(),
                    mismatch.path("method").asText(), mismatch.path("arguments").asText(),
                    mismatch.path("live").asText(), mismatch.path("shadow").asText());
        }
    }
}
