package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.samples.greeter.Greeter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/events} on a real server: what a tour of deployments leaves there (newest first,
 * each with its time), the server's version, uptime and ZooKeeper state beside them, the token it
 * needs, its {@code limit}, and {@code swivel status} printing the last few.
 */
@Timeout(120)
class EventsTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path root;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void deploymentsSwapsRollbacksAndFailuresAreListedNewestFirstWithTheirTimes() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        try (LiveServer live = LiveServer.start(root, c -> c.probation = Duration.ZERO)) {
            AdminHttp admin = new AdminHttp(live.server);
            Greeter greeter = live.proxy(Greeter.class);
            live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("Ada").equals("Hello, Ada (v1)"));
            live.moveIn(TestBundles.jar("greeter-v2"), "greeter.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("Ada").equals("Hello, Ada (v2)"));
            await().atMost(WITHIN).until(() -> types(events(admin, 50)).contains("drained"));
            assertThat(live.cli("rollback", "greeter").status()).isZero();
            // 2.0.0 drains after the rollback: wait for it, so that the failure below is the newest event
            await().atMost(WITHIN).until(() -> types(events(admin, 50)).stream().filter("drained"::equals).count() == 2);
            live.moveIn(TestBundles.jar("greeter-broken"), "greeter.jar");
            await().atMost(WITHIN).until(() -> Files.exists(live.marker("greeter.jar", ".failed")));

            JsonNode answer = await().atMost(WITHIN).until(() -> events(admin, 50),
                    a -> types(a).get(0).equals("failed"));
            List<String> types = types(answer);
            // a swap is published before the deployment it completes; a drain runs on its own thread
            assertThat(types).as("newest first").containsSubsequence("failed", "rolled_back", "swapped", "deployed",
                    "swapped", "deployed", "server_started");
            assertThat(types).filteredOn("drained"::equals).hasSize(2);
            assertThat(types.get(types.size() - 1)).isEqualTo("server_started");
            JsonNode failed = answer.path("events").get(0);
            assertThat(failed.path("bundle").asText()).isEqualTo("greeter");
            assertThat(failed.path("version").asText()).as("the version the jar holds").isEqualTo("3.0.0");
            assertThat(failed.path("message").asText()).startsWith("greeter.jar did not deploy: ")
                    .endsWith("; 1.0.0 serves instead");
            JsonNode rolledBack = answer.path("events").get(types.indexOf("rolled_back"));
            assertThat(rolledBack.path("version").asText()).isEqualTo("1.0.0");
            assertThat(rolledBack.path("message").asText()).contains("2.0.0").contains("1.0.0");
            JsonNode swapped = answer.path("events").get(types.indexOf("swapped"));
            assertThat(swapped.path("message").asText()).startsWith("greeter 2.0.0 -> 1.0.0");

            List<Instant> times = new ArrayList<>();
            answer.path("events").forEach(event -> times.add(Instant.parse(event.path("time").asText())));
            assertThat(times).allMatch(time -> time.isAfter(before) && !time.isAfter(Instant.now()));
            assertThat(times).as("newest first").isSortedAccordingTo((a, b) -> b.compareTo(a));
            assertThat(answer.path("total").asLong()).isEqualTo(types.size());

            JsonNode server = answer.path("server");
            assertThat(server.path("version").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
            assertThat(Instant.parse(server.path("startedAt").asText())).isAfter(before);
            assertThat(server.path("uptimeSeconds").asLong()).isNotNegative();
            assertThat(server.path("zookeeper").path("connectString").asText()).isEqualTo("none");
            assertThat(server.path("zookeeper").path("connected").asBoolean()).isFalse();

            assertThat(types(events(admin, 2))).containsExactly(types.get(0), types.get(1));

            LiveServer.Cli status = live.cli("status");
            assertThat(status.status()).as(status.err()).isZero();
            assertThat(status.out()).contains("server: Swivel " + server.path("version").asText() + ", up ")
                    .contains(", ZooKeeper none")
                    .contains("last 5 event(s), newest first:")
                    .containsPattern("\\n  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\S*  failed +greeter.jar did not deploy");
            assertThat(live.cli("status", "--events", "0").out()).doesNotContain("event(s)");
        }
    }

    @Test
    void theRouteNeedsTheTokenAndABoundedLimit() throws Exception {
        try (LiveServer live = LiveServer.start(root, c -> { })) {
            AdminHttp admin = new AdminHttp(live.server);
            assertThat(admin.send(admin.request("/v1/events")).statusCode()).isEqualTo(401);
            HttpResponse<String> zero = admin.send(admin.bearer("/v1/events?limit=0"));
            assertThat(zero.statusCode()).isEqualTo(400);
            assertThat(json.readTree(zero.body()).path("message").asText()).isEqualTo("limit: 0 (expected: 1..500, the events kept: --event-log-size)");
            assertThat(admin.send(admin.bearer("/v1/events?limit=x")).statusCode()).isEqualTo(400);
            assertThat(admin.send(admin.bearer("/v1/events").POST(java.net.http.HttpRequest.BodyPublishers.noBody()))
                    .statusCode()).isEqualTo(405);
            JsonNode answer = events(admin, 10);
            assertThat(types(answer)).containsExactly("server_started");
            assertThat(answer.path("events").get(0).path("message").asText())
                    .startsWith("serving 0 bundle(s) on 127.0.0.1:" + live.server.rpcAddress().getPort());
        }
    }

    @Test
    void theEventsKeptAreASettingAndALargerLimitNamesIt() throws Exception {
        try (LiveServer live = LiveServer.start(root, c -> c.limits = c.limits.with(l -> l.eventLogSize = 3))) {
            AdminHttp admin = new AdminHttp(live.server);
            assertThat(events(admin, 3).path("kept").asInt()).isEqualTo(3);
            HttpResponse<String> four = admin.send(admin.bearer("/v1/events?limit=4"));
            assertThat(four.statusCode()).isEqualTo(400);
            assertThat(json.readTree(four.body()).path("message").asText())
                    .isEqualTo("limit: 4 (expected: 1..3, the events kept: --event-log-size)");
            assertThat(live.server.deployer().events().capacity()).isEqualTo(3);
        }
    }

    private JsonNode events(AdminHttp admin, int limit) throws Exception {
        HttpResponse<String> response = admin.send(admin.bearer("/v1/events?limit=" + limit));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static List<String> types(JsonNode answer) {
        List<String> types = new ArrayList<>();
        answer.path("events").forEach(event -> types.add(event.path("type").asText()));
        return types;
    }
}
