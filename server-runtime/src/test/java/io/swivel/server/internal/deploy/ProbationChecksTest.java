package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.api.HealthCheck;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.InFlightCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Probation on its own: a fake clock decides when the window ends; checks run every 5 ms. */
@Timeout(30)
class ProbationChecksTest {

    @TempDir
    Path root;

    private final FakeHost.FakeClock clock = new FakeHost.FakeClock();
    private final Map<String, String> outcomes = new ConcurrentHashMap<>();
    private final CountDownLatch hung = new CountDownLatch(1);
    private Probation probation;

    private final Probation.Outcome record = new Probation.Outcome() {
        @Override
        public void failed(BundleGeneration generation, String reason) {
            outcomes.put(generation.name(), "failed: " + reason);
        }

        @Override
        public void passed(BundleGeneration generation) {
            outcomes.put(generation.name(), "passed");
        }
    };

    @AfterEach
    void close() {
        hung.countDown();
        probation.close();
    }

    private BundleGeneration serving(String bundle) throws Exception {
        FakeHost host = new FakeHost(java.nio.file.Files.createTempDirectory(root, bundle));
        BundleGeneration generation = host.load(host.descriptor(bundle, "2"));
        generation.activate();
        return generation;
    }

    @Test
    void aHungHealthCheckDelaysNoOtherBundlesProbation() throws Exception {
        probation = new Probation(new Probation.Policy(Duration.ofSeconds(30), 0.5, 10, Duration.ofSeconds(60),
                Duration.ofMillis(5)), clock);
        BundleGeneration stuck = serving("stuck");
        stuck.context().setHealthCheck(() -> {
            hung.await();
            return HealthCheck.Result.healthy();
        });
        BundleGeneration fine = serving("fine");
        probation.start(stuck, record);
        probation.start(fine, record);

        clock.advance(Duration.ofSeconds(31));
        // with a health timeout of 60 s, waiting for the stuck check would hold "fine" for a minute
        await().atMost(Duration.ofSeconds(5)).until(() -> "passed".equals(outcomes.get("fine")));
        assertThat(outcomes).doesNotContainKey("stuck");
    }

    @Test
    void aHealthCheckPastItsTimeoutFailsTheVersion() throws Exception {
        probation = new Probation(new Probation.Policy(Duration.ofSeconds(30), 0.5, 10, Duration.ofMillis(50),
                Duration.ofMillis(5)), clock);
        BundleGeneration stuck = serving("stuck");
        stuck.context().setHealthCheck(() -> {
            hung.await();
            return HealthCheck.Result.healthy();
        });
        probation.start(stuck, record);

        await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.containsKey("stuck"));
        assertThat(outcomes.get("stuck")).isEqualTo("failed: its health check did not answer within 50 ms");
    }

    @Test
    void anErrorRateAboveTheLimitFailsTheVersion() throws Exception {
        probation = new Probation(new Probation.Policy(Duration.ofSeconds(30), 0.5, 4, Duration.ofSeconds(1),
                Duration.ofMillis(5)), clock);
        BundleGeneration failing = serving("failing");
        for (int i = 0; i < 4; i++) {
            InFlightCall call = message -> { };
            assertThat(failing.tryAcquire(call)).isTrue();
            failing.release(call, i > 0);
        }
        probation.start(failing, record);

        await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.containsKey("failing"));
        assertThat(outcomes.get("failing")).isEqualTo("failed: 3 of 4 calls failed (75%, above the limit of 50%)");
    }

    @Test
    void aCancelledWatchEndsWithoutAnOutcome() throws Exception {
        probation = new Probation(new Probation.Policy(Duration.ofSeconds(30), 0.5, 10, Duration.ofSeconds(1),
                Duration.ofMillis(5)), clock);
        BundleGeneration generation = serving("cancelled");
        CountDownLatch checked = new CountDownLatch(3);
        generation.context().setHealthCheck(() -> {
            checked.countDown();
            return HealthCheck.Result.healthy();
        });
        Probation.Watch watch = probation.start(generation, record);
        assertThat(checked.await(5, TimeUnit.SECONDS)).isTrue();
        watch.cancel();
        clock.advance(Duration.ofSeconds(31));
        BundleGeneration other = serving("other");
        probation.start(other, record); // a later watch passing proves the timer ran on past the cancelled one
        clock.advance(Duration.ofSeconds(31));
        await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.containsKey("other"));
        assertThat(outcomes).doesNotContainKey("cancelled");
    }
}
