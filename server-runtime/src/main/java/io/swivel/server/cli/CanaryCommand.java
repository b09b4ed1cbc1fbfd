package io.swivel.server.cli;

import java.nio.file.Files;
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

    @Option(names = "--steps", paramLabel = "1,5,25,50,100",
            description = "The canary's weights in percent, step by step; 100 promotes it (default: 1,5,25,50,100).")
    String steps;

    @Option(names = "--step-every", paramLabel = "DURATION",
            description = "How long each step lasts before the analysis that widens it (default: 1m).")
    String stepEvery;

    @Option(names = "--sticky", description = "Choose the version by the call's arguments, so the same key always "
            + "reaches the same version (default: a random draw per call).")
    boolean sticky;

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
            Path file = jar.toAbsolutePath().normalize();
            if (!Files.isRegularFile(file)) {
                throw new CliException(jar + " is not a file");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("jar", file.toString());
            if (steps != null) {
                body.put("steps", steps);
            }
            if (stepEvery != null) {
                body.put("stepEvery", stepEvery);
            }
            body.put("sticky", sticky);
            reply = admin.client().post("/v1/bundles/" + bundle + "/canary", body);
        }
        if (reply.status() != 200) {
            throw new CliException(reply.body().path("message").asText("HTTP " + reply.status()));
        }
        spec.commandLine().getOut().println(reply.body().path("message").asText());
        return 0;
    }
}
