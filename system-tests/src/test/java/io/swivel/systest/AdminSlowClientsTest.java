package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.testing.Dribbler;
import io.swivel.testing.RawHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow admin clients against a real {@code swivel serve -Xmx256m} process with its
 * {@link Bystander} (a greeter caller and a {@code /v1/health} prober with a 1 s budget): the row
 * "4 admin connections sending one header byte every 5 s" of issue 13, which used to block the
 * whole admin API, and enough slow connections to fill {@code --admin-max-connections}. Both
 * lowered by flag to keep the test short; 127.0.0.1 only, bounded in count and time.
 */
@Timeout(240)
class AdminSlowClientsTest {

    private static final String HEADER_THAT_NEVER_ENDS = "GET /v1/bundles HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "s".repeat(100);

    @TempDir
    Path root;

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stopScheduler() throws InterruptedException {
        scheduler.shutdownNow();
        assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void fourConnectionsSendingAHeaderByteEvery5sAreCutAtTheReadTimeoutAndHealthStaysWithinASecond() throws Exception {
        Duration readTimeout = Duration.ofSeconds(8);
        try (ServerProcess server = serverWithGreeter("admin-slow-4", "--admin-read-timeout", "8s")) {
            int port = server.admin().getPort();
            List<Dribbler> slow = new ArrayList<>();
            try (Bystander bystander = Bystander.start(server)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> bystander.probes() >= 3 && bystander.calls() >= 10);
                long probesBefore = bystander.probes();
                for (int i = 0; i < 4; i++) {
                    slow.add(Dribbler.start(port, HEADER_THAT_NEVER_ENDS, Duration.ofSeconds(5), Duration.ofSeconds(60), scheduler));
                }
                List<Long> cutAfter = new ArrayList<>();
                for (Dribbler dribbler : slow) {
                    RawHttp.Reply cut = dribbler.outcome().get(60, TimeUnit.SECONDS);
                    assertThat(cut.status()).as(cut.body()).isEqualTo(408);
                    assertThat(cut.body()).contains("--admin-read-timeout");
                    assertThat(cut.millis()).as("held for the read timeout, not for as long as it keeps sending")
                            .isBetween(readTimeout.toMillis() - 100, readTimeout.toMillis() + 4_000);
                    assertThat(dribbler.sent()).as("bytes at 0, 5 s (and maybe 10 s)").isBetween(2, 3);
                    cutAfter.add(cut.millis());
                }
                long probesDuring = bystander.probes() - probesBefore;
                RawHttp.Reply after = RawHttp.exchange(port, RawHttp.get(port, "/v1/bundles",
                        "Authorization: Bearer " + server.token()), Duration.ofSeconds(5));
                assertThat(after.status()).isEqualTo(200);
                double refused = bystander.metric("swivel_admin_refused_total", "cause=\"read_timeout\"");
                double heap = bystander.metric("jvm_memory_used_bytes", "area=\"heap\"");
                assertThat(refused).isEqualTo(4);
                assertThat(bystander.callProblems()).isEmpty();
                assertThat(bystander.healthProblems()).isEmpty();
                assertThat(bystander.slowestProbeMillis()).isLessThan(Bystander.HEALTH_BUDGET.toMillis());
                assertThat(probesDuring).as("health was probed while they held their connections").isGreaterThan(10);
                System.out.printf("SYSTEST admin-slow-4: 4 connections x 1 header byte / 5 s, --admin-read-timeout 8s: cut with 408 "
                        + "after %s ms; %d health probes meanwhile, slowest %d ms; %d greeter calls, none failed; "
                        + "heap used %.0f MiB; swivel_admin_refused_total{cause=read_timeout} %.0f%n", cutAfter, probesDuring,
                        bystander.slowestProbeMillis(), bystander.calls(), heap / (1 << 20), refused);
            } finally {
                for (Dribbler dribbler : slow) {
                    dribbler.close();
                }
            }
        }
    }

    @Test
    void slowConnectionsUpToTheCapLeaveHealthAnsweringAndTheRestIsRefusedAtOnce() throws Exception {
        int cap = 8;
        try (ServerProcess server = serverWithGreeter("admin-slow-cap", "--admin-max-connections", String.valueOf(cap),
                "--admin-read-timeout", "8s")) {
            int port = server.admin().getPort();
            String bearer = "Authorization: Bearer " + server.token();
            List<Dribbler> slow = new ArrayList<>();
            try (Bystander bystander = Bystander.start(server)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> bystander.probes() >= 3 && bystander.calls() >= 10);
                for (int i = 0; i < cap; i++) {
                    slow.add(Dribbler.start(port, HEADER_THAT_NEVER_ENDS, Duration.ofSeconds(1), Duration.ofSeconds(60), scheduler));
                }
                // the bystander's keep-alive connection and the slow ones: the cap is reached
                RawHttp.Reply refused = RawHttp.exchange(port, RawHttp.get(port, "/v1/bundles", bearer), Duration.ofSeconds(5));
                assertThat(refused.status()).as(refused.body()).isEqualTo(503);
                assertThat(refused.body()).contains("--admin-max-connections " + cap);
                long slowestFresh = 0;
                for (int i = 0; i < 10; i++) { // a Kubernetes probe: a new connection each time
                    RawHttp.Reply health = RawHttp.exchange(port, RawHttp.get(port, "/v1/health"), Duration.ofSeconds(5));
                    assertThat(health.status()).isEqualTo(200);
                    assertThat(health.body()).contains("\"status\" : \"UP\"");
                    slowestFresh = Math.max(slowestFresh, health.millis());
                }
                assertThat(slowestFresh).isLessThan(Bystander.HEALTH_BUDGET.toMillis());
                assertThat(slow.stream().filter(d -> d.outcome().isDone()).count())
                        .as("the slow connections still hold their slots").isLessThanOrEqualTo(1);
                for (Dribbler dribbler : slow) {
                    RawHttp.Reply cut = dribbler.outcome().get(60, TimeUnit.SECONDS);
                    assertThat(cut.status()).isEqualTo(408);
                }
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        RawHttp.exchange(port, RawHttp.get(port, "/v1/bundles", bearer), Duration.ofSeconds(5)).status() == 200);
                double refusedConnections = bystander.metric("swivel_admin_refused_total", "cause=\"connections\"");
                assertThat(refusedConnections).isGreaterThanOrEqualTo(1);
                assertThat(bystander.callProblems()).isEmpty();
                assertThat(bystander.healthProblems()).isEmpty();
                assertThat(bystander.slowestProbeMillis()).isLessThan(Bystander.HEALTH_BUDGET.toMillis());
                System.out.printf("SYSTEST admin-slow-cap: %d slow connections at --admin-max-connections %d: /v1/bundles 503 in %d ms, "
                        + "10 fresh /v1/health 200, slowest %d ms; bystander slowest probe %d ms, %d calls none failed; "
                        + "swivel_admin_refused_total{cause=connections} %.0f%n", cap, cap, refused.millis(), slowestFresh,
                        bystander.slowestProbeMillis(), bystander.calls(), refusedConnections);
            } finally {
                for (Dribbler dribbler : slow) {
                    dribbler.close();
                }
            }
        }
    }

    /**
     * A server serving the greeter v1, asked for health and bundles once over this JVM's HTTP
     * client (its first request loads the client's classes here): the bystander's budget is about
     * the attack, not about this JVM's first HTTP request.
     */
    private ServerProcess serverWithGreeter(String name, String... args) throws Exception {
        Path deploy = Files.createDirectories(root.resolve(name).resolve("deploy"));
        Files.copy(SystestBundles.sample("greeter-v1"), deploy.resolve("greeter.jar"));
        ServerProcess server = ServerProcess.start(name, deploy, root.resolve(name).resolve("data"), "none", List.of(args));
        assertThat(server.request("GET", "/v1/health", null, null).status()).isEqualTo(200);
        assertThat(server.get("/v1/bundles").status()).isEqualTo(200);
        return server;
    }
}
