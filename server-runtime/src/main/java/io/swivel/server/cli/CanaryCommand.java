package io.swivel.server.cli;

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
 * {@code swivel canary BUNDLE JAR [--steps 1,5,25,50,100] [--step-every 1m] [--sticky]} starts a
 * weighted canary beside the version serving; {@code swivel canary BUNDLE --promote|--abort|--pause|--resume}
 * acts on it. Through the admin API: the jar is named by its path, which the server reads (the
 * server runs on this machine), and copies over the bundle's jar in its deploy directory.
 */
@Command(name = "canary", description = "Start a new version of a bundle as a canary beside the version serving: it "
        + "takes a share of the calls that widens step by step while its error rate and p99 stay within budget of "
        + "the stable version's, and is rolled back by itself when they do not. With --promote, --abort, --pause or "
        + "--resume: act on the canary running.")
final class CanaryCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "The bundle name, as 'swivel status' shows it.")
    String bundle;

    @Parameters(index = "1", arity = "0..1", paramLabel = "JAR",
            description = "The new version's jar (a path the server can read: it runs on this machine).")
    Path jar;

    @Mixin
    CanarySteps steps;

    @ArgGroup(exclusive = true)
    Action action;

    static final class Action {
        @Option(names = "--promote", description = "Make the canary serve every call now.")
        boolean promote;

        @Option(names = "--abort", description = "Send every call back to the stable version now; the canary unloads.")
        boolean abort;

        @Option(names = "--pause", description = "Hold the canary's weight; no analysis runs until --resume.")
        boolean pause;

        @Option(names = "--resume", description = "Run the analyses again, the next one a step length from now.")
        boolean resume;

        String route() {
            return promote ? "promote" : abort ? "abort" : pause ? "pause" : "resume";
        }
    }

    @Mixin
    AdminOptions admin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient.Reply reply;
        if (action != null) {
            if (jar != null) {
                throw new CliException("give either a JAR to start a canary or --" + action.route() + ", not both");
            }
            reply = admin.client().post("/v1/bundles/" + bundle + "/canary/" + action.route(), Map.of());
        } else {
            if (jar == null) {
                throw new CliException("give the canary's JAR, or one of --promote, --abort, --pause, --resume");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("jar", CanarySteps.serverReadable(jar));
            reply = admin.client().post("/v1/bundles/" + bundle + "/canary", steps.addTo(body));
        }
        spec.commandLine().getOut().println(reply.ok().path("message").asText());
        return 0;
    }
}
