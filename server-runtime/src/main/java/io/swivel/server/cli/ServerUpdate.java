package io.swivel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a cluster rollout does on one server, through its admin API: what it serves, shipping the
 * new version to it (an upload, or a canary started from a path the server reads) and following it
 * with {@link JarDeployment}, and putting back the version it served before.
 *
 * @param address the server's admin {@code host:port}
 * @param client its admin client
 * @param bundle the bundle rolled out
 */
record ServerUpdate(String address, AdminClient client, String bundle) {

    /**
     * What a server serves of the bundle: its version and content hash, or nulls for nothing, and
     * when the bundle last reported an error there, by the server's clock (null for never).
     */
    record Serving(String version, String sha256, Instant lastErrorAt) {

        /** @return the first instant, by the server's clock, at which an error is a newer one than this view's */
        Instant newerErrorsFrom() {
            return lastErrorAt == null ? Instant.EPOCH : lastErrorAt.plusNanos(1);
        }
    }

    Serving serving() {
        AdminClient.Reply reply = client.get("/v1/bundles/" + bundle);
        if (reply.status() == 404) {
            return new Serving(null, null, null);
        }
        if (reply.status() != 200) {
            throw new CliException("GET /v1/bundles/" + bundle + " answered HTTP " + reply.status() + ": "
                    + reply.body().path("message").asText());
        }
        JsonNode active = reply.body().path("active");
        String lastErrorAt = reply.body().path("lastErrorAt").asText(null);
        return new Serving(active.path("version").asText(null), active.path("sha256").asText(null),
                lastErrorAt != null ? Instant.parse(lastErrorAt) : null);
    }

    /**
     * Ships the jar and waits until the version serves there and its probation (or canary) passed.
     *
     * @param canary the canary plan ({@code STEPS} or {@code STEPS every DURATION}), or null to replace the
     *     version and follow its probation
     * @throws CliException with the one-line cause when it failed there
     */
    void update(JarDeployment.Jar jar, String version, String canary, Duration timeout, Consumer<String> lines) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Serving before = serving();
        Instant since = before.newerErrorsFrom(); // the server's clock, not this machine's: they may differ
        if (jar.sha256().equals(before.sha256())) {
            lines.accept("active: " + bundle + " " + version + " serves already");
        } else if (canary != null && before.version() != null) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("jar", jar.file().toAbsolutePath().normalize().toString());
            int every = canary.indexOf(" every ");
            body.put("steps", every < 0 ? canary : canary.substring(0, every));
            if (every >= 0) {
                body.put("stepEvery", canary.substring(every + " every ".length()));
            }
            AdminClient.Reply reply = client.post("/v1/bundles/" + bundle + "/canary", body);
            if (reply.status() != 200) {
                throw new CliException("the canary did not start: " + reply.body().path("message").asText("HTTP " + reply.status()));
            }
            lines.accept("canary: " + reply.body().path("message").asText());
        } else {
            lines.accept(String.format("upload: %s (%d bytes)", jar.file().getFileName(), jar.size()));
            JarDeployment.Staged staged = JarDeployment.upload(client, jar, timeout);
            since = staged.stagedAt();
            lines.accept(staged.alreadyServing() ? "active: " + staged.message()
                    : "staged: " + staged.bundle() + " " + staged.version() + " as " + staged.jarName());
        }
        JarDeployment.follow(client, lines, bundle, version, jar.sha256(), since, deadline);
    }

    /**
     * Puts back what the server served before the rollout reached it: a rollback to that version,
     * or an undeploy when it served nothing of the bundle.
     *
     * @param before the version it served before, or null
     * @return what the server answered
     * @throws CliException when it refused
     */
    String undo(String before) {
        AdminClient.Reply reply = before == null
                ? client.post("/v1/bundles/" + bundle + "/undeploy", Map.of())
                : client.post("/v1/bundles/" + bundle + "/rollback", Map.of("to", before));
        if (reply.status() != 200) {
            throw new CliException(reply.body().path("message").asText("HTTP " + reply.status()));
        }
        return reply.body().path("message").asText();
    }

    /**
     * Downloads the jar the server serves the bundle from ({@code GET /v1/bundles/{name}/jar}).
     *
     * @return true if it answered with the jar
     */
    boolean download(Path target, long maxBytes, Duration timeout) {
        return client.download("/v1/bundles/" + bundle + "/jar", target, maxBytes, timeout) == 200;
    }
}
