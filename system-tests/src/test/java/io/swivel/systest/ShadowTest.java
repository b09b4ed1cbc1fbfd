package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swivel.client.SwivelClient;
import io.swivel.samples.greeter.Greeter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shadows in a real {@code swivel serve} process, called by a fixed-address client on loopback:
 * a shadow that answers some inputs differently reports exactly those, never runs a method that
 * is not {@code @Idempotent}, is stopped and promoted to canary; a shadow far slower than the
 * live version fails no live call, its dropped copies are counted, and it is promoted to active.
 */
@Timeout(300)
class ShadowTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path root;

    private static JsonNode report(ServerProcess server) {
        return server.get("/v1/bundles/greeter/shadow").json().path("shadow");
    }

    /** Every copy made has ended: run, or dropped. */
    private static boolean settled(JsonNode report, long copied) {
        return report.path("copied").asLong() == copied && report.path("matches").asLong()
                + report.path("mismatches").asLong() + report.path("errors").asLong() + report.path("dropped").asLong()
                == copied;
    }

    private static SwivelClient client(ServerProcess server) {
        return SwivelClient.builder().address("127.0.0.1", server.rpc().getPort()).timeout(Duration.ofSeconds(10)).build();
    }

    private static ServerProcess.Cli cli(ServerProcess server, String... args) {
        ServerProcess.Cli result = server.cli(args);
        assertThat(result.status()).as("swivel %s: %s%s", String.join(" ", args), result.out(), result.err()).isZero();
        return result;
    }

    private static void awaitServing(ServerProcess server, String version) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> server.markerText("greeter.jar", ".deployed").contains("version: " + version + "\n"));
    }

    private static Map<String, Long> calls(Path log) throws IOException {
        if (!Files.exists(log)) {
            return Map.of();
        }
        return Files.readAllLines(log).stream().collect(Collectors.groupingBy(line -> line, Collectors.counting()));
    }

    @Test
    void aShadowReportsExactlyTheDifferingAnswersNeverRunsANonIdempotentMethodAndIsStoppedAndPromotedToCanary()
            throws Exception {
        Path work = root.resolve("work");
        Path shadowCalls = root.resolve("shadow-calls.log");
        Path v1 = ShadowBundles.greeter(work, "1.0.0", false, 0, null);
        Path v2 = ShadowBundles.greeter(work, "2.0.0", true, 0, shadowCalls);
        try (ServerProcess server = ServerProcess.start("shadow-compare", root, "none")) {
            server.moveIn(v1, "greeter.jar");
            awaitServing(server, "1.0.0");
            assertThat(cli(server, "shadow", "greeter", v2.toString(), "--percent", "100", "--threads", "1", "--queue", "1000").out())
                    .contains("greeter shadow 2.0.0 beside 1.0.0: copies of 100% of the calls to @Idempotent methods");
            int calls = 300;
            try (SwivelClient client = client(server)) {
                Greeter greeter = client.proxy(Greeter.class);
                for (int i = 0; i < calls; i++) {
                    String name = (i % 10 == 0 ? "odd-" : "even-") + i;
                    assertThat(greeter.greet(name)).as("the live answer").isEqualTo("Hello, " + name);
                    assertThat(greeter.version()).isEqualTo("1.0.0");
                }
            }
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> settled(report(server), calls));
            JsonNode report = report(server);
            System.out.printf("SYSTEST shadow-compare: %s%n", report.toString().substring(0, 160));
            assertThat(report.path("mismatches").asLong()).isEqualTo(30);
            assertThat(report.path("matches").asLong()).isEqualTo(270);
            assertThat(report.path("errors").asLong()).isZero();
            assertThat(report.path("dropped").asLong()).isZero();
            JsonNode last = report.path("lastMismatches");
            assertThat(last.size()).isEqualTo(20);
            for (JsonNode mismatch : last) {
                String arguments = mismatch.path("arguments").asText();
                assertThat(arguments).startsWith("[odd-");
                String name = arguments.substring(1, arguments.length() - 1);
                assertThat(mismatch.path("method").asText()).startsWith(Greeter.class.getName() + ".greet");
                assertThat(mismatch.path("live").asText()).isEqualTo("Hello, " + name);
                assertThat(mismatch.path("shadow").asText()).isEqualTo("Hi, " + name);
            }
            assertThat(last.get(19).path("arguments").asText()).as("the last one kept").isEqualTo("[odd-290]");
            assertThat(calls(shadowCalls)).as("methods run on the shadow").isEqualTo(Map.of("greet", (long) calls));

            JsonNode status = server.get("/v1/bundles/greeter").json();
            assertThat(status.path("active").path("version").asText()).isEqualTo("1.0.0");
            assertThat(status.path("shadow").path("version").asText()).isEqualTo("2.0.0");
            assertThat(status.path("shadow").path("mismatches").asLong()).isEqualTo(30);
            String metrics = server.get("/metrics").body();
            assertThat(metrics.lines().filter(line -> line.startsWith("swivel_shadow_copies_total{"))
                    .filter(line -> line.contains("outcome=\"mismatch\"")).toList())
                    .singleElement().satisfies(line -> assertThat(line).endsWith(" 30.0"));
            String printed = cli(server, "shadow", "greeter", "--report").out();
            assertThat(printed).contains("copied 300: 270 matched, 30 mismatched, 0 failed on the shadow, 0 dropped")
                    .contains("last 20 mismatches").contains("shadow: Hi, odd-290");

            assertThat(cli(server, "shadow", "greeter", "--stop").out())
                    .contains("greeter shadow 2.0.0 stopped after 300 copies: 270 matched, 30 mismatched");
            ServerProcess.Cli none = server.cli("shadow", "greeter", "--report");
            assertThat(none.status()).isNotZero();
            assertThat(none.err()).contains("bundle greeter runs no shadow");
            assertThat(server.get("/v1/bundles/greeter").json().has("shadow")).isFalse();

            cli(server, "shadow", "greeter", v2.toString(), "--percent", "100");
            String promoted = cli(server, "shadow", "greeter", "--promote", "--steps", "10,100", "--step-every", "1h").out();
            assertThat(promoted).contains("greeter canary 2.0.0 at 10% (step 1 of 2) beside 1.0.0")
                    .contains("greeter shadow 2.0.0 stopped");
            status = server.get("/v1/bundles/greeter").json();
            assertThat(status.path("canary").path("version").asText()).isEqualTo("2.0.0");
            assertThat(status.path("canary").path("weight").asInt()).isEqualTo(10);
            assertThat(status.has("shadow")).isFalse();
        }
    }

    @Test
    void aShadowFarSlowerThanTheLiveVersionFailsNoLiveCallHasItsDroppedCopiesCountedAndIsPromotedToActive()
            throws Exception {
        Path work = root.resolve("work");
        Path v1 = ShadowBundles.greeter(work, "1.0.0", false, 0, null);
        Path slow = ShadowBundles.greeter(work, "2.0.0", true, 50, null);
        try (ServerProcess server = ServerProcess.start("shadow-slow", root, "none")) {
            server.moveIn(v1, "greeter.jar");
            awaitServing(server, "1.0.0");
            cli(server, "shadow", "greeter", slow.toString(), "--percent", "100", "--threads", "1", "--queue", "4");
            try (SwivelClient client = client(server)) {
                Greeter greeter = client.proxy(Greeter.class);
                CanaryLoad load = new CanaryLoad(4, 250, Duration.ofSeconds(120), i -> greeter.greet("even-" + i));
                await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(50)).until(() ->
                        load.counts().values().stream().mapToLong(Long::longValue).sum() + load.failed.sum() == 1000);
                load.close();
                long answered = load.counts().values().stream().mapToLong(Long::longValue).sum();
                assertThat(load.failures.stream().limit(10).map(Throwable::toString).toList()).isEmpty();
                assertThat(load.failed.sum()).isZero();
                assertThat(load.counts().keySet()).allMatch(answer -> answer.startsWith("Hello, even-"));
                await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> settled(report(server), answered));
                JsonNode report = report(server);
                System.out.printf("SYSTEST shadow-slow: %d live calls, 0 failed; shadow copied %d, matched %d, dropped %d%n",
                        answered, report.path("copied").asLong(), report.path("matches").asLong(),
                        report.path("dropped").asLong());
                assertThat(report.path("copied").asLong()).isEqualTo(answered);
                assertThat(report.path("dropped").asLong()).as("copies dropped by a shadow 50 ms a call").isPositive();
                assertThat(report.path("matches").asLong()).isPositive();
                assertThat(report.path("errors").asLong()).isZero();
                assertThat(report.path("mismatches").asLong()).isZero();
                String metrics = server.get("/metrics").body();
                assertThat(metrics.lines().filter(line -> line.startsWith("swivel_shadow_copies_total{"))
                        .filter(line -> line.contains("outcome=\"dropped\"")).toList())
                        .singleElement().satisfies(line -> assertThat(line)
                                .endsWith(" " + (double) report.path("dropped").asLong()));

                String promoted = cli(server, "shadow", "greeter", "--promote", "--active").out();
                assertThat(promoted).contains("greeter canary 2.0.0 promoted by admin API (swivel shadow)");
                JsonNode status = server.get("/v1/bundles/greeter").json();
                assertThat(status.path("active").path("version").asText()).isEqualTo("2.0.0");
                assertThat(status.has("shadow")).isFalse();
                assertThat(greeter.greet("odd-1")).isEqualTo("Hi, odd-1");
            }
        }
    }
}
