package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.protocol.Frame;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.TypeAllowlist;
import io.swivel.server.probe.Probe;
import io.swivel.server.probe.ProbeBundles;
import io.swivel.server.probe.ProbeBundles.Options;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * After the switch: the replaced version waits as standby while the new one is on probation,
 * and comes back by itself when the new one turns unhealthy or fails its calls; calls still
 * running at the drain timeout are answered {@code RELOADING}.
 */
@Timeout(120)
class ProbationTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path root;

    private Path build(String fileName, Options options) {
        return ProbeBundles.build(root.resolve("work"), root.resolve("work").resolve(fileName), options);
    }

    @Test
    void aVersionWhoseHealthCheckFailsInProbationIsRolledBackByItself() throws Exception {
        Path v1 = build("v1.jar", Options.healthy("1"));
        Path v2 = build("v2.jar", new Options("2", false, 1, true)); // passes the start-up check only
        try (LiveServer live = LiveServer.start(root, c -> c.probation = Duration.ofSeconds(30))) {
            Probe probe = live.proxy(Probe.class);
            live.moveIn(v1, "probe.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> probe.version().equals("1"));
            live.moveIn(v2, "probe.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> probe.version().equals("2"));

            await().atMost(WITHIN).until(() -> probe.version().equals("1"));
            // the marker is written just after the switch back: wait for it, as for the switch
            await().atMost(WITHIN).untilAsserted(() -> assertThat(live.marker("probe.jar", ".rolledback")).content()
                    .contains("rolled back by: probation (automatic)")
                    .contains("from: probe 2")
                    .contains("to: probe 1")
                    .contains("reason: 2 failed probation: its health check failed: lost its database connection"));
            assertThat(live.status("probe").lastError())
                    .contains("probe 2 was rolled back to 1 by probation (automatic)")
                    .contains("lost its database connection");
            assertThat(live.status("probe").standby()).isNull();
            assertThat(live.cli("status").out()).contains("last error").contains("lost its database connection");
            assertThat(live.server.deployer().events().latest(50)).anySatisfy(event -> {
                assertThat(event.type()).isEqualTo("probation_failed");
                assertThat(event.version()).isEqualTo("2");
                assertThat(event.message()).startsWith("probe 2 failed probation: ").contains("lost its database connection");
            });
        }
    }

    @Test
    void aVersionWhoseCallsFailInProbationIsRolledBackByItself() throws Exception {
        Path v1 = build("v1.jar", Options.healthy("1"));
        Path v2 = build("v2.jar", new Options("2", true, -1, true));
        try (LiveServer live = LiveServer.start(root, c -> {
            c.probation = Duration.ofSeconds(30);
            c.probationMinCalls = 10;
        })) {
            Probe probe = live.proxy(Probe.class);
            live.moveIn(v1, "probe.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> probe.version().equals("1"));
            live.moveIn(v2, "probe.jar");
            await().atMost(WITHIN).until(() -> live.status("probe").active().version().equals("2"));
            int failed = 0;
            for (int i = 0; i < 10; i++) {
                try {
                    probe.version();
                } catch (RuntimeException e) {
                    failed++;
                }
            }
            assertThat(failed).as("v2 fails its calls").isEqualTo(10);
            await().atMost(WITHIN).ignoreExceptions().until(() -> probe.version().equals("1"));
            // the marker is written just after the switch back: wait for it, as for the switch
            await().atMost(WITHIN).untilAsserted(() -> assertThat(live.marker("probe.jar", ".rolledback")).content()
                    .containsPattern("\\d+ of \\d+ calls failed \\(100%, above the limit of 50%\\)"));
        }
    }

    @Test
    void aVersionThatPassesProbationReleasesItsStandby() throws Exception {
        Path v1 = build("v1.jar", Options.healthy("1"));
        Path v2 = build("v2.jar", Options.healthy("2"));
        try (LiveServer live = LiveServer.start(root, c -> c.probation = Duration.ofMillis(500))) {
            Probe probe = live.proxy(Probe.class);
            live.moveIn(v1, "probe.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> probe.version().equals("1"));
            live.moveIn(v2, "probe.jar");
            await().atMost(WITHIN).until(() -> probe.version().equals("2"));
            await().atMost(WITHIN).until(() -> live.status("probe").standby() == null);
            assertThat(live.marker("probe.jar", ".deployed")).exists();
            assertThat(live.server.deployer().events().latest(50)).anySatisfy(event -> assertThat(event.message())
                    .isEqualTo("probe 2 passed probation; standby 1 released"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                System.gc();
                return live.server.leakTracker().uncollected().isEmpty();
            });
            assertThat(probe.version()).isEqualTo("2");
        }
    }

    @Test
    void callsStillRunningAtTheDrainTimeoutAreAnsweredReloading() throws Exception {
        Path v1 = build("v1.jar", Options.healthy("1"));
        Path v2 = build("v2.jar", Options.healthy("2"));
        try (LiveServer live = LiveServer.start(root, c -> c.drainTimeout = Duration.ofMillis(300));
             RawClient raw = new RawClient(live.server.rpcAddress())) {
            Probe probe = live.proxy(Probe.class);
            live.moveIn(v1, "probe.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> probe.version().equals("1"));
            SerializationContext kryo = SerializationContext.create(getClass().getClassLoader(),
                    TypeAllowlist.forServices(List.of(Probe.class)), Frame.DEFAULT_MAX_FRAME_LENGTH);
            raw.send(new RequestFrame(7, Probe.class.getName(), "hold(long)", "", 0, kryo.encode(60_000L)));
            await().atMost(WITHIN).until(() -> live.status("probe").active().inFlight() == 1);

            live.moveIn(v2, "probe.jar");
            Frame answer = raw.receive();
            assertThat(answer).isInstanceOfSatisfying(ResponseFrame.class, response -> {
                assertThat(response.requestId()).isEqualTo(7);
                assertThat(response.status()).isEqualTo(Status.RELOADING);
                assertThat(response.bodyAsMessage()).contains("probe 1 was replaced").contains("drain timeout of 300 ms");
            });
            assertThat(probe.version()).isEqualTo("2");
        }
    }

    @Test
    void aNewVersionServesFromTheSwitchWhileTheOldOneDrains() throws Exception {
        Path v1 = build("v1.jar", Options.healthy("1"));
        Path v2 = build("v2.jar", Options.healthy("2"));
        try (LiveServer live = LiveServer.start(root, c -> { })) {
            Probe probe = live.proxy(Probe.class);
            live.moveIn(v1, "probe.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> probe.version().equals("1"));
            CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> probe.hold(1500));
            await().atMost(WITHIN).until(() -> live.status("probe").active().inFlight() == 1);
            live.moveIn(v2, "probe.jar");
            await().atMost(WITHIN).until(() -> probe.version().equals("2"));
            assertThat(held.get(30, TimeUnit.SECONDS)).as("the running call finished on v1").isEqualTo("1");
            assertThat(live.status("probe").standby().version()).isEqualTo("1");
        }
    }
}
