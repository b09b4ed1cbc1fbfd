package io.swivel.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The steps of a canary, as {@code swivel canary BUNDLE JAR} and {@code swivel shadow BUNDLE --promote}
 * both take them: the weights, how long each lasts, and whether the call's arguments choose the
 * version; each is sent only when given, so the server's defaults apply otherwise.
 */
final class CanarySteps {

    @Option(names = "--steps", paramLabel = "1,5,25,50,100",
            description = "The canary's weights in percent, step by step; 100 promotes it (default: 1,5,25,50,100).")
    String steps;

    @Option(names = "--step-every", paramLabel = "DURATION",
            description = "How long each canary step lasts before the analysis that widens it (default: 1m).")
    String stepEvery;

    @Option(names = "--sticky", description = "Choose the version by the call's arguments, so the same key always "
            + "reaches the same version (default: a random draw per call).")
    boolean sticky;

    /** @return whether any of the options was given */
    boolean given() {
        return steps != null || stepEvery != null || sticky;
    }

    /**
     * Adds the options given to a request body.
     *
     * @param body the body of the request that starts the canary
     * @return the body
     */
    Map<String, Object> addTo(Map<String, Object> body) {
        if (steps != null) {
            body.put("steps", steps);
        }
        if (stepEvery != null) {
            body.put("stepEvery", stepEvery);
        }
        body.put("sticky", sticky);
        return body;
    }

    /**
     * The path of a jar the server reads itself (it runs on this machine).
     *
     * @param jar the jar as given
     * @return its absolute path
     * @throws CliException if it is not a file
     */
    static String serverReadable(Path jar) {
        Path file = jar.toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new CliException(jar + " is not a file");
        }
        return file.toString();
    }
}
