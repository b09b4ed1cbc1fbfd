package io.swivel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Ships one jar to one server through its admin API and follows it there: the upload
 * ({@code POST /v1/bundles} with the jar's SHA-256), then the bundle's status until the version
 * serves and its probation (or its canary) has passed. Both {@code swivel deploy} and a cluster
 * rollout go through it; each step is one line handed to the caller.
 */
final class JarDeployment {

    /** How often the version's progress is asked. */
    private static final long POLL_MILLIS = 200;

    private JarDeployment() {
    }

    /** A jar on this machine, with its size and content hash. */
    record Jar(Path file, long size, String sha256) {

        static Jar read(Path file) {
            if (!Files.isRegularFile(file)) {
                throw new CliException("no such file: " + file.toAbsolutePath().normalize());
            }
            try {
                return new Jar(file, Files.size(file), JarDeployment.sha256(file));
            } catch (IOException e) {
                throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** What the server answered to an upload. */
    record Staged(String bundle, String version, String jarName, Instant stagedAt, boolean alreadyServing, String message) {
    }

    /**
     * Uploads a jar.
     *
     * @return what the server staged, or that it serves that content already
     * @throws CliException with the server's reason when it refuses the jar
     */
    static Staged upload(AdminClient client, Jar jar, Duration timeout) {
        AdminClient.Reply reply = client.upload("/v1/bundles", jar.file(), timeout, "X-Swivel-Sha256", jar.sha256());
        JsonNode body = reply.body();
        String status = body.path("status").asText("");
        boolean serving = reply.status() == 200 && status.equals("ALREADY_SERVING");
        if (!serving && reply.status() != 202) {
            throw new CliException("the server refused the jar (" + status + "): "
                    + body.path("message").asText("HTTP " + reply.status()));
        }
        return new Staged(body.path("bundle").asText(), body.path("version").asText(), body.path("jar").asText(),
                serving ? Instant.now() : Instant.parse(body.path("stagedAt").asText()), serving,
                body.path("message").asText());
    }

    /**
     * Follows one version through the bundle's status until it has passed probation (and, when it
     * started as a canary, reached 100%).
     *
     * @param since by the server's clock (its {@code stagedAt}, or just after the {@code lastErrorAt} it
     *     reported before the jar was sent): an error reported from then on is this version's
     * @param deadline {@link System#nanoTime()} by which it must be done
     * @throws CliException with the one-line cause when it failed or did not finish in time
     */
    static void follow(AdminClient client, Consumer<String> lines, String bundle, String version, String sha256,
                       Instant since, long deadline) {
        new Progress(client, lines, bundle, version, sha256, since).follow(deadline);
    }

    /** Follows one version through the bundle's status until it has passed probation or failed. */
    private static final class Progress {
        private final AdminClient client;
        private final Consumer<String> lines;
        private final String bundle;
        private final String version;
        private final String sha256;
        private final Instant stagedAt;
        private boolean active;
        private boolean probation;
        private boolean seenWithoutStandby;
        private int canaryWeight = -1;

        Progress(AdminClient client, Consumer<String> lines, String bundle, String version, String sha256, Instant stagedAt) {
            this.client = client;
            this.lines = lines;
            this.bundle = bundle;
            this.version = version;
            this.sha256 = sha256;
            this.stagedAt = stagedAt;
        }

        void follow(long deadline) {
            while (true) {
                AdminClient.Reply reply = client.get("/v1/bundles/" + bundle);
                JsonNode view = reply.status() == 200 ? reply.body() : null;
                String serving = view != null ? view.path("active").path("sha256").asText(null) : null;
                boolean canary = view != null && sha256.equals(view.path("canary").path("sha256").asText(null));
                if (canary) {
                    int weight = view.path("rollout").path("weight").asInt();
                    if (weight != canaryWeight) {
                        lines.accept(String.format("canary: %s %s takes %d%% of the calls", bundle, version, weight));
                        canaryWeight = weight;
                    }
                } else if (sha256.equals(serving)) {
                    if (!active) {
                        active = true;
                        lines.accept(String.format("active: %s %s serves (%s)", bundle, version,
                                view.path("active").path("state").asText()));
                    }
                    JsonNode standby = view.path("standby");
                    if (standby.isObject() && !view.path("probationEndsAt").isNull()) {
                        if (!probation) {
                            probation = true;
                            lines.accept(String.format("probation: until %s, %s %s on standby",
                                    view.path("probationEndsAt").asText(), bundle, standby.path("version").asText()));
                        }
                    } else if (probation || seenWithoutStandby) {
                        lines.accept(String.format("done: %s %s serves%s", bundle, version,
                                probation ? ", probation passed" : ""));
                        return;
                    } else {
                        // The server's view is read without its deploy lock: for a moment after the
                        // switch the new version serves before the old one is its standby. Serving
                        // without a standby twice in a row, one poll apart, means no probation.
                        seenWithoutStandby = true;
                    }
                } else if (view != null && (active || canaryWeight >= 0 || failedSince(view))) {
                    throw new CliException(bundle + " " + version + " failed: " + cause(view, serving));
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new CliException(bundle + " " + version + (active ? " did not pass probation" : " did not start")
                            + " in time (--timeout); see 'swivel status'");
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliException("interrupted while waiting for " + bundle + " " + version, e);
                }
            }
        }

        /** Whether the bundle reported an error since the jar was staged. */
        private boolean failedSince(JsonNode view) {
            String at = view.path("lastErrorAt").asText(null);
            return at != null && !Instant.parse(at).isBefore(stagedAt);
        }

        private String cause(JsonNode view, String serving) {
            String error = view.path("lastError").asText(null);
            JsonNode rolledBack = view.path("rolledBack");
            StringBuilder cause = new StringBuilder();
            if (error != null && failedSince(view)) {
                cause.append(error);
            } else if (rolledBack.isObject()) {
                cause.append("rolled back by ").append(rolledBack.path("by").asText("?"));
                if (rolledBack.hasNonNull("reason")) {
                    cause.append(": ").append(rolledBack.path("reason").asText());
                }
            } else {
                cause.append("another version took its place");
            }
            cause.append(serving != null ? "; serving " + view.path("active").path("version").asText() + " instead"
                    : "; nothing of " + bundle + " serves");
            return cause.toString();
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
