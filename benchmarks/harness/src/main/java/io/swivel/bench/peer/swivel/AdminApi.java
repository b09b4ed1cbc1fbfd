package io.swivel.bench.peer.swivel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The routes of a Swivel server's admin API the scenarios use, with the token from its data directory. */
public final class AdminApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final Path tokenFile;

    AdminApi(String host, int port, Path tokenFile) {
        this.base = "http://" + host + ":" + port;
        this.tokenFile = tokenFile;
    }

    /**
     * {@code POST /v1/bundles/{name}/rollback} to the previous version.
     *
     * @param bundle the bundle
     * @throws InterruptedException if interrupted
     * @throws IllegalStateException unless the server answers 200
     */
    public void rollback(String bundle) throws InterruptedException {
        send(HttpRequest.newBuilder(URI.create(base + "/v1/bundles/" + bundle + "/rollback"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    }

    /**
     * The loaders closed but not yet collected, from {@code GET /v1/bundles}.
     *
     * @return their names
     * @throws InterruptedException if interrupted
     */
    public List<String> closedNotCollected() throws InterruptedException {
        JsonNode answer = send(HttpRequest.newBuilder(URI.create(base + "/v1/bundles")).GET());
        List<String> names = new ArrayList<>();
        answer.path("closedNotCollected").forEach(node -> names.add(node.asText()));
        return names;
    }

    /**
     * {@code POST /v1/bundles/{name}/shadow}: stages a jar on this machine as the bundle's shadow.
     *
     * @param bundle the bundle
     * @param jar the shadow's jar
     * @param percent the share of idempotent calls copied
     * @param threads the shadow's threads
     * @param queue the copies that may wait
     * @throws InterruptedException if interrupted
     * @throws IllegalStateException unless the server answers 200
     */
    public void shadow(String bundle, Path jar, int percent, int threads, int queue) throws InterruptedException {
        String body = JSON.createObjectNode().put("jar", jar.toAbsolutePath().toString()).put("percent", percent)
                .put("threads", threads).put("queue", queue).toString();
        send(HttpRequest.newBuilder(URI.create(base + "/v1/bundles/" + bundle + "/shadow"))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /**
     * {@code POST /v1/bundles/{name}/shadow/stop}.
     *
     * @param bundle the bundle
     * @return the stopped shadow's counts, from {@code GET .../shadow} just before
     * @throws InterruptedException if interrupted
     * @throws IllegalStateException unless the server answers 200
     */
    public JsonNode shadowStop(String bundle) throws InterruptedException {
        JsonNode report = send(HttpRequest.newBuilder(URI.create(base + "/v1/bundles/" + bundle + "/shadow")).GET())
                .path("shadow");
        send(HttpRequest.newBuilder(URI.create(base + "/v1/bundles/" + bundle + "/shadow/stop"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        return report;
    }

    private JsonNode send(HttpRequest.Builder request) throws InterruptedException {
        try {
            String token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
            HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(response.request().method() + " " + response.request().uri()
                        + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("admin API at " + base + ": " + e.getMessage(), e);
        }
    }
}
