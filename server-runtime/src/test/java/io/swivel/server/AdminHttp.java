package io.swivel.server;

import io.swivel.server.internal.admin.AdminToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP against a live server's admin port, with or without its token. */
final class AdminHttp {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    final String token;

    AdminHttp(SwivelServer server) {
        this.base = "http://127.0.0.1:" + server.adminAddress().getPort();
        try {
            this.token = AdminToken.read(server.config().dataDir().resolve(AdminToken.FILE_NAME));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request to a path, with no credentials yet. */
    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    }

    /** A request carrying {@code Authorization: Bearer <token>}. */
    HttpRequest.Builder bearer(String path) {
        return request(path).header("Authorization", "Bearer " + token);
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code GET /metrics} with the token; fails unless it answers 200. */
    PrometheusText scrape() {
        HttpResponse<String> response = send(bearer("/metrics"));
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /metrics answered " + response.statusCode() + ": " + response.body());
        }
        return PrometheusText.parse(response.body());
    }
}
