package io.swivel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code swivel deploy JAR}: uploads a bundle jar to one server through its admin API
 * ({@code POST /v1/bundles}, with the jar's SHA-256, which the server checks), then follows the
 * version through {@code GET /v1/bundles/{name}} until it serves and its probation has passed,
 * printing each step; exits 1 with the one-line cause when the server refuses the jar, the version
 * fails to start, or probation rolls it back.
 */
@Command(name = "deploy", description = "Upload a bundle jar to a server through its admin API (no shell access to "
        + "its file system needed) and follow it until it serves and its probation has passed: the server puts it in "
        + "its deploy directory, so markers, probation and history apply as for a copied jar.")
final class DeployCommand implements Callable<Integer> {

    /** How often the version's progress is asked. */
    private static final long POLL_MILLIS = 200;

    @Parameters(index = "0", paramLabel = "JAR", description = "The bundle jar (its manifest names it: Swivel-Bundle).")
    Path jar;

    @Option(names = "--timeout", defaultValue = "5m", converter = DurationConverter.class,
            description = "How long to wait for the upload and then for the version to serve and pass probation (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--no-wait", description = "Return once the server has the jar in its deploy directory (staged).")
    boolean noWait;

    @Mixin
    AdminOptions admin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isRegularFile(jar)) {
            throw new CliException("no such file: " + jar.toAbsolutePath().normalize());
        }
        long size;
        String sha256;
        try {
            size = Files.size(jar);
            sha256 = sha256(jar);
        } catch (IOException e) {
            throw new CliException("cannot read " + jar + ": " + e.getMessage(), e);
        }
        AdminClient client = admin.client();
        out.printf("upload: %s (%d bytes, sha256 %s) to %s%n", jar.getFileName(), size, sha256, client.base());
        AdminClient.Reply reply = client.upload("/v1/bundles", jar, timeout, "X-Swivel-Sha256", sha256);
        JsonNode body = reply.body();
        String status = body.path("status").asText("");
        if (reply.status() == 200 && status.equals("ALREADY_SERVING")) {
            out.println("active: " + body.path("message").asText());
            return 0;
        }
        if (reply.status() != 202) {
            throw new CliException("the server refused the jar (" + status + "): "
                    + body.path("message").asText("HTTP " + reply.status()));
        }
        String bundle = body.path("bundle").asText();
        String version = body.path("version").asText();
        out.printf("staged: %s %s as %s in the server's deploy directory%n", bundle, version, body.path("jar").asText());
        if (noWait) {
            return 0;
        }
        out.printf("starting: %s %s%n", bundle, version);
        out.flush();
        Instant stagedAt = Instant.parse(body.path("stagedAt").asText());
        return new Progress(client, out, bundle, version, sha256, stagedAt).follow(System.nanoTime() + timeout.toNanos());
    }

    /** Follows one version through the bundle's status until it has passed probation or failed. */
    private record Progress(AdminClient client, PrintWriter out, String bundle, String version, String sha256,
                            Instant stagedAt) {

        int follow(long deadline) {
            boolean active = false;
            boolean probation = false;
            while (true) {
                AdminClient.Reply reply = client.get("/v1/bundles/" + bundle);
                JsonNode view = reply.status() == 200 ? reply.body() : null;
                String serving = view != null ? view.path("active").path("sha256").asText(null) : null;
                if (sha256.equals(serving)) {
                    if (!active) {
                        active = true;
                        out.printf("active: %s %s serves (%s)%n", bundle, version, view.path("active").path("state").asText());
                    }
                    JsonNode standby = view.path("standby");
                    if (standby.isObject() && !view.path("probationEndsAt").isNull()) {
                        if (!probation) {
                            probation = true;
                            out.printf("probation: until %s, %s %s on standby%n", view.path("probationEndsAt").asText(),
                                    bundle, standby.path("version").asText());
                        }
                    } else {
                        out.printf("done: %s %s serves%s%n", bundle, version, probation ? ", probation passed" : "");
                        return 0;
                    }
                } else if (view != null && (active || failedSince(view))) {
                    throw new CliException(bundle + " " + version + " failed: " + cause(view, serving));
                }
                out.flush();
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

    private static String sha256(Path file) throws IOException {
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
