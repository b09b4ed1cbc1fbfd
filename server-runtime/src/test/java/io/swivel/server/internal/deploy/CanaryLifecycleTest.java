package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swivel.server.config.CanaryPolicy;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.BundleState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A canary's life in one bundle without a server: in-memory versions, a fake clock, calls
 * counted straight into the two versions' windows, and the analysis run by hand
 * ({@link BundleLifecycle#canaryTick()}) as the canary timer would.
 */
@Timeout(30)
class CanaryLifecycleTest extends InMemoryLifecycleTest {

    private static final Duration STEP = Duration.ofMinutes(1);
    private static final long MILLI = 1_000_000;

    @BeforeEach
    void start() {
        startLifecycle(Duration.ofSeconds(30), 5, new CanaryPolicy(0.01, 1.5, 20, Duration.ofMillis(5)));
        assertThat(greeter.deploy(jar, host.descriptor("greeter", "1.0.0"), null, System.nanoTime())).isTrue();
    }

    private void canary(String version, List<Integer> steps) {
        assertThat(greeter.deploy(jar, host.descriptor("greeter", version), new CanaryPlan(steps, STEP, false),
                System.nanoTime())).isTrue();
    }

    private static void calls(BundleGeneration generation, int count, int failed, long nanos) {
        for (int i = 0; i < count; i++) {
            generation.window().record(nanos, i < failed);
        }
    }

    @Test
    void aHealthyCanaryWidensStepByStepAndIsPromotedWithTheStableVersionStandingBy() {
        BundleGeneration stable = greeter.active();
        canary("2.0.0", List.of(5, 25, 100));
        BundleGeneration canary = greeter.canary();
        assertThat(canary.state()).isEqualTo(BundleState.ACTIVE);
        assertThat(stable.state()).isEqualTo(BundleState.ACTIVE);
        assertThat(host.splits.get("greeter").weightPercent()).isEqualTo(5);
        assertThat(host.serving.get("greeter")).as("the stable version still serves the rest").isSameAs(stable);

        calls(stable, 500, 1, 2 * MILLI);
        calls(canary, 30, 0, 2 * MILLI);
        greeter.canaryTick();
        assertThat(host.splits.get("greeter").weightPercent()).as("not due yet").isEqualTo(5);

        clock.advance(STEP);
        greeter.canaryTick();
        assertThat(host.splits.get("greeter").weightPercent()).isEqualTo(25);
        assertThat(greeter.rollout().lastAnalysis().outcome()).isEqualTo(CanaryAnalysis.Outcome.PASSED);
        assertThat(canary.window().look().calls()).as("each step is judged on its own window").isZero();

        calls(stable, 300, 0, 2 * MILLI);
        calls(canary, 100, 0, 2 * MILLI);
        clock.advance(STEP);
        greeter.canaryTick();

        assertThat(greeter.canary()).isNull();
        assertThat(greeter.active()).isSameAs(canary);
        assertThat(host.serving.get("greeter")).isSameAs(canary);
        assertThat(host.splits).doesNotContainKey("greeter");
        assertThat(greeter.standby()).as("the old version takes the standby role of a probation").isSameAs(stable);
        await().atMost(Duration.ofSeconds(5)).until(() -> stable.state() == BundleState.STANDBY);
        assertThat(canary.window()).as("no window counts after the canary").isNull();
        assertThat(stable.window()).isNull();
        assertThat(greeter.rolledBack()).isNull();
    }

    @Test
    void aFailingCanaryIsRolledBackAtItsFirstAnalysisAndItsJarIsNotRedeployed() {
        BundleGeneration stable = greeter.active();
        canary("2.0.0", List.of(5, 25, 100));
        BundleGeneration canary = greeter.canary();
        calls(stable, 1000, 2, MILLI);
        calls(canary, 100, 30, MILLI);
        clock.advance(STEP);
        greeter.canaryTick();

        assertThat(greeter.canary()).isNull();
        assertThat(greeter.active()).isSameAs(stable);
        assertThat(host.splits).doesNotContainKey("greeter");
        await().atMost(Duration.ofSeconds(5)).until(() -> canary.state() == BundleState.UNLOADED);
        Rollback rollback = greeter.rolledBack();
        assertThat(rollback.by()).isEqualTo(BundleLifecycle.BY_ANALYSIS);
        assertThat(rollback.fromVersion()).isEqualTo("2.0.0");
        assertThat(rollback.toVersion()).isEqualTo("1.0.0");
        assertThat(rollback.reason()).isEqualTo("canary 2.0.0 failed 30% of 100 calls against 0.2% for 1.0.0 at step 5%"
                + " (budget: 1.2%)");
        assertThat(greeter.lastError()).contains(rollback.reason());
        assertThat(events.events).contains("rolledBack 2.0.0 1.0.0 canary");
        assertThat(greeter.jarHolds().version()).as("the jar still holds the canary").isEqualTo("2.0.0");
    }

    @Test
    void promoteAbortPauseAndResumeActAtOnce() throws Exception {
        BundleGeneration stable = greeter.active();
        canary("2.0.0", List.of(5, 25, 100));
        assertThat(greeter.pauseCanary(true)).contains("paused at 5% (step 1 of 3), paused");
        calls(stable, 100, 0, MILLI);
        calls(greeter.canary(), 100, 100, MILLI);
        clock.advance(STEP.multipliedBy(5));
        greeter.canaryTick();
        assertThat(greeter.canary()).as("a paused canary is not judged").isNotNull();
        assertThat(greeter.rollout().lastAnalysis()).isNull();

        greeter.pauseCanary(false);
        clock.advance(STEP);
        greeter.canaryTick();
        assertThat(greeter.canary()).as("judged again after resume: it still fails").isNull();
        assertThat(greeter.active()).isSameAs(stable);

        canary("3.0.0", List.of(5, 100));
        BundleGeneration three = greeter.canary();
        assertThat(greeter.promoteCanary("admin")).contains("canary 3.0.0 promoted by admin");
        assertThat(greeter.active()).isSameAs(three);
        assertThat(greeter.standby()).isSameAs(stable);
        assertThatThrownBy(() -> greeter.abortCanary("admin", null)).isInstanceOf(CanaryException.class)
                .hasMessageContaining("runs no canary to abort; 3.0.0 serves every call");

        canary("4.0.0", List.of(5, 100));
        BundleGeneration four = greeter.canary();
        assertThat(greeter.standby()).as("a new canary releases the standby").isNull();
        assertThat(greeter.abortCanary("admin", null)).contains("every call goes to 3.0.0");
        assertThat(greeter.active()).isSameAs(three);
        await().atMost(Duration.ofSeconds(5)).until(() -> four.state() == BundleState.UNLOADED);
        assertThat(greeter.rolledBack().reason()).isEqualTo("aborted");
    }

    @Test
    void aNewDeploymentDuringACanaryEndsIt() {
        canary("2.0.0", List.of(5, 100));
        BundleGeneration canary = greeter.canary();
        assertThat(greeter.deploy(jar, host.descriptor("greeter", "3.0.0"), null, System.nanoTime())).isTrue();
        assertThat(greeter.canary()).isNull();
        assertThat(greeter.active().version()).isEqualTo("3.0.0");
        await().atMost(Duration.ofSeconds(5)).until(() -> canary.state() == BundleState.UNLOADED);
    }

    @Test
    void aRollbackToAnotherVersionDuringACanaryEndsTheCanaryToo() throws Exception {
        assertThat(greeter.deploy(jar, host.descriptor("greeter", "1.1.0"), null, System.nanoTime())).isTrue();
        canary("2.0.0", List.of(5, 100));
        BundleGeneration canary = greeter.canary();
        greeter.rollback("1.0.0", "admin", null);
        assertThat(greeter.active().version()).isEqualTo("1.0.0");
        assertThat(greeter.canary()).isNull();
        assertThat(host.splits).doesNotContainKey("greeter");
        await().atMost(Duration.ofSeconds(5)).until(() -> canary.state() == BundleState.UNLOADED);
    }
}
