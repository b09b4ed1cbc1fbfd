package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.client.SwivelClient;
import io.swivel.samples.greeter.Greeter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shadows across a restart of a real {@code swivel serve} process, and the manifest form
 * {@code Swivel-Rollout: shadow 100%}: a shadow started by {@code swivel shadow} comes back after
 * the restart beside the same live version with its percent, threads and queue, its counts at
 * zero; one stopped before the restart does not. A jar marked as a shadow and dropped over the
 * bundle's jar starts as its shadow while the version serving keeps serving, and after a restart
 * the version that served serves again, with the shadow beside it (and without it if it was
 * stopped before the restart). Dropped as a new bundle, with nothing to shadow, such a jar fails.
 */
@Timeout(300)
class ShadowRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CALLS = 50;

    @TempDir
    Path root;

    private static JsonNode bundle(ServerProcess server) {
        return server.get("/v1/bundles/greeter").json();
    }

    private static ServerProcess.Cli cli(ServerProcess server, String... args) {
        ServerProcess.Cli result = server.cli(args);
        assertThat(result.status()).as("swivel %s: %s%s", String.join(" ", args), result.out(), result.err()).isZero();
        return result;
    }

    /** Calls greet CALLS times on odd-* names (answered differently by the shadows here), each answered by 1.0.0. */
    private static void callLive(ServerProcess server) {
        try (SwivelClient client = SwivelClient.builder().address("127.0.0.1", server.rpc().getPort())
                .timeout(Duration.ofSeconds(10)).build()) {
            Greeter greeter = client.proxy(Greeter.class);
            for (int i = 0; i < CALLS; i++) {
                assertThat(greeter.greet("odd-" + i)).isEqualTo("Hello, odd-" + i);
            }
        }
    }

    private static void awaitMismatches(ServerProcess server, long count) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> bundle(server).path("shadow").path("mismatches").asLong() == count);
    }

    /** The shadow state.json keeps for greeter (a JSON null without one). */
    private static JsonNode savedShadow(Path data) throws IOException {
        return JSON.readTree(data.resolve("state.json").toFile()).path("bundles").path("greeter").path("shadow");
    }

    private static List<String> eventTypes(ServerProcess server) {
        List<String> types = new java.util.ArrayList<>();
        server.get("/v1/events?limit=100").json().path("events").forEach(e -> types.add(e.path("type").asText()));
        return types;
    }

    @Test
    void aShadowComesBackAfterARestartWithItsSettingsAndItsCountsAtZeroAndAStoppedOneDoesNot() throws Exception {
        Path work = root.resolve("work");
        Path deploy = Files.createDirectories(root.resolve("deploy"));
        Path data = root.resolve("data");
        Path v1 = ShadowBundles.greeter(work, "1.0.0", false, 0, null);
        Path v2 = ShadowBundles.greeter(work, "2.0.0", true, 0, null);
        try (ServerProcess server = ServerProcess.start("shadow-restart-1", deploy, data, "none", List.of())) {
            server.moveIn(v1, "greeter.jar");
            await().atMost(WAIT).until(() -> server.markerText("greeter.jar", ".deployed").contains("version: 1.0.0\n"));
            cli(server, "shadow", "greeter", v2.toString(), "--percent", "100", "--threads", "3", "--queue", "77");
            callLive(server);
            awaitMismatches(server, CALLS);
        }
        JsonNode saved = savedShadow(data);
        assertThat(saved.path("version").asText()).isEqualTo("2.0.0");
        assertThat(saved.path("percent").asInt()).isEqualTo(100);
        assertThat(saved.path("threads").asInt()).isEqualTo(3);
        assertThat(saved.path("queue").asInt()).isEqualTo(77);
        try (ServerProcess server = ServerProcess.start("shadow-restart-2", deploy, data, "none", List.of())) {
            await().atMost(WAIT).until(() -> bundle(server).path("shadow").path("version").asText().equals("2.0.0"));
            JsonNode status = bundle(server);
            System.out.printf("SYSTEST shadow-restart: after the restart %s%n", status.path("shadow"));
            assertThat(status.path("active").path("version").asText()).isEqualTo("1.0.0");
            JsonNode shadow = status.path("shadow");
            assertThat(shadow.path("percent").asInt()).isEqualTo(100);
            assertThat(shadow.path("threads").asInt()).isEqualTo(3);
            assertThat(shadow.path("queue").asInt()).isEqualTo(77);
            assertThat(shadow.path("copied").asLong()).as("counts start again at zero").isZero();
            assertThat(shadow.path("lastMismatches").size()).isZero();
            assertThat(eventTypes(server)).contains("shadow_started");
            callLive(server);
            awaitMismatches(server, CALLS);
            cli(server, "shadow", "greeter", "--stop");
        }
        assertThat(savedShadow(data).isNull()).as("state.json after the stop").isTrue();
        try (ServerProcess server = ServerProcess.start("shadow-restart-3", deploy, data, "none", List.of())) {
            await().atMost(WAIT).until(() -> bundle(server).path("active").path("version").asText().equals("1.0.0"));
            callLive(server);
            assertThat(bundle(server).has("shadow")).as("a stopped shadow stays stopped").isFalse();
        }
    }

    @Test
    void aJarMarkedAsAShadowStartsAsOneBesideTheVersionServingAndAgainAfterARestart() throws Exception {
        Path work = root.resolve("work");
        Path deploy = Files.createDirectories(root.resolve("deploy"));
        Path data = root.resolve("data");
        Path v1 = ShadowBundles.greeter(work, "1.0.0", false, 0, null);
        Path marked = ShadowBundles.greeter(work, "2.0.0", true, 0, null, "shadow 100% threads 1 queue 500");
        try (ServerProcess server = ServerProcess.start("shadow-manifest-1", deploy, data, "none", List.of())) {
            server.moveIn(marked, "other.jar");
            await().atMost(WAIT).until(() -> server.markerText("other.jar", ".failed")
                    .contains("marked Swivel-Rollout: shadow, but no version of greeter serves here to shadow"));
            Files.delete(deploy.resolve("other.jar"));
            await().atMost(WAIT).until(() -> !Files.exists(server.marker("other.jar", ".failed")));

            server.moveIn(v1, "greeter.jar");
            await().atMost(WAIT).until(() -> server.markerText("greeter.jar", ".deployed").contains("version: 1.0.0\n"));
            server.moveIn(marked, "greeter.jar");
            await().atMost(WAIT).until(() -> bundle(server).path("shadow").path("version").asText().equals("2.0.0"));
            JsonNode status = bundle(server);
            assertThat(status.path("active").path("version").asText()).isEqualTo("1.0.0");
            assertThat(status.path("shadow").path("percent").asInt()).isEqualTo(100);
            assertThat(status.path("shadow").path("threads").asInt()).isEqualTo(1);
            assertThat(status.path("shadow").path("queue").asInt()).isEqualTo(500);
            assertThat(status.path("canary").isNull()).as("no canary").isTrue();
            callLive(server);
            awaitMismatches(server, CALLS);
            assertThat(server.markerText("greeter.jar", ".deployed")).contains("version: 1.0.0\n");
            assertThat(Files.exists(server.marker("greeter.jar", ".failed"))).isFalse();
        }
        try (ServerProcess server = ServerProcess.start("shadow-manifest-2", deploy, data, "none", List.of())) {
            await().atMost(WAIT).until(() -> bundle(server).path("shadow").path("version").asText().equals("2.0.0"));
            JsonNode status = bundle(server);
            System.out.printf("SYSTEST shadow-manifest: after the restart active %s, shadow %s%n",
                    status.path("active").path("version").asText(), status.path("shadow").path("version").asText());
            assertThat(status.path("active").path("version").asText()).as("greeter.jar holds 2.0.0; 1.0.0 serves")
                    .isEqualTo("1.0.0");
            assertThat(status.path("shadow").path("copied").asLong()).isZero();
            assertThat(status.path("shadow").path("threads").asInt()).isEqualTo(1);
            assertThat(eventTypes(server)).as("started once, by state.json").containsOnlyOnce("shadow_started");
            callLive(server);
            awaitMismatches(server, CALLS);
            cli(server, "shadow", "greeter", "--stop");
        }
        try (ServerProcess server = ServerProcess.start("shadow-manifest-3", deploy, data, "none", List.of())) {
            await().atMost(WAIT).until(() -> bundle(server).path("active").path("version").asText().equals("1.0.0"));
            callLive(server);
            assertThat(bundle(server).has("shadow")).as("greeter.jar still holds the shadow, stopped before the restart")
                    .isFalse();
        }
    }
}
