package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swivel.server.config.CanaryPolicy;
import io.swivel.server.internal.bundle.CallWindow;
import io.swivel.server.internal.bundle.CallWindow.Figures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The canary's plan on a fake clock: steps, budgets, minimum calls, pause and resume, and the plan's forms. */
class RolloutTest {

    private static final CanaryPolicy POLICY = new CanaryPolicy(0.01, 1.5, 20, Duration.ofMillis(5));
    private static final Instant T0 = Instant.parse("2026-12-01T20:00:00Z");
    private static final Duration STEP = Duration.ofMinutes(1);
    private static final Figures HEALTHY_STABLE = new Figures(1000, 2, 8_000);
    private static final Figures HEALTHY_CANARY = new Figures(100, 0, 9_000);

    private static Rollout rollout(List<Integer> steps) {
        return new Rollout(new CanaryPlan(steps, STEP, false), POLICY, T0, 0, false);
    }

    @Test
    void aHealthyCanaryWidensOnceAStepHasPassedThenIsPromotedAtOneHundred() {
        Rollout rollout = rollout(List.of(5, 25, 100));
        assertThat(rollout.weight()).isEqualTo(5);
        assertThat(rollout.nextStepAt()).isEqualTo(T0.plus(STEP));

        assertThat(rollout.analyse(T0.plus(STEP).minusMillis(1), "1.0.0", HEALTHY_STABLE, "2.0.0", HEALTHY_CANARY))
                .as("not due before the step's end").isEqualTo(Rollout.Decision.HOLD);
        assertThat(rollout.lastAnalysis()).isNull();

        assertThat(rollout.analyse(T0.plus(STEP), "1.0.0", HEALTHY_STABLE, "2.0.0", HEALTHY_CANARY))
                .isEqualTo(Rollout.Decision.WIDEN);
        assertThat(rollout.weight()).isEqualTo(25);
        assertThat(rollout.lastAnalysis().outcome()).isEqualTo(CanaryAnalysis.Outcome.PASSED);
        assertThat(rollout.lastAnalysis().message()).isEqualTo("canary 2.0.0 failed 0% of 100 calls against 0.2% for "
                + "1.0.0, p99 9.0 ms against 8.0 ms at step 5%: within budget");
        assertThat(rollout.nextStepAt()).isEqualTo(T0.plus(STEP).plus(STEP));

        assertThat(rollout.analyse(T0.plus(STEP.multipliedBy(2)), "1.0.0", HEALTHY_STABLE, "2.0.0", HEALTHY_CANARY))
                .isEqualTo(Rollout.Decision.PROMOTE);
    }

    @Test
    void anErrorRateAboveTheStableOnePlusTheSlackRollsBackWithTheComparedFigures() {
        Rollout rollout = rollout(List.of(5, 100));
        Rollout.Decision decision = rollout.analyse(T0.plus(STEP), "1.0.0", new Figures(5000, 10, 8_000), "2.0.0",
                new Figures(412, 128, 8_000));
        assertThat(decision).isEqualTo(Rollout.Decision.ROLL_BACK);
        assertThat(rollout.lastAnalysis().message())
                .isEqualTo("canary 2.0.0 failed 31% of 412 calls against 0.2% for 1.0.0 at step 5% (budget: 1.2%)");
    }

    @Test
    void anErrorRateWithinTheSlackPasses() {
        Rollout rollout = rollout(List.of(5, 25, 100));
        // stable 1%, canary 2%: exactly one point more is within the default slack
        assertThat(rollout.analyse(T0.plus(STEP), "1.0.0", new Figures(1000, 10, 8_000), "2.0.0",
                new Figures(100, 2, 8_000))).isEqualTo(Rollout.Decision.WIDEN);
    }

    @Test
    void aP99AboveTheFactorRollsBackUnlessUnderTheFloor() {
        Rollout slow = rollout(List.of(5, 100));
        assertThat(slow.analyse(T0.plus(STEP), "1.0.0", new Figures(1000, 0, 10_000), "2.0.0",
                new Figures(100, 0, 16_000))).isEqualTo(Rollout.Decision.ROLL_BACK);
        assertThat(slow.lastAnalysis().message()).isEqualTo(
                "canary 2.0.0 p99 16.0 ms against 10.0 ms for 1.0.0 at step 5% (budget: 1.5×)");

        Rollout fast = rollout(List.of(5, 100));
        assertThat(fast.analyse(T0.plus(STEP), "1.0.0", new Figures(1000, 0, 200), "2.0.0",
                new Figures(100, 0, 4_900))).as("4.9 ms is under the 5 ms floor, though 24× the stable p99")
                .isEqualTo(Rollout.Decision.PROMOTE);
    }

    @Test
    void tooFewCanaryCallsHoldTheStepAndTheNextAnalysisComesAStepLater() {
        Rollout rollout = rollout(List.of(5, 25, 100));
        assertThat(rollout.analyse(T0.plus(STEP), "1.0.0", HEALTHY_STABLE, "2.0.0", new Figures(19, 19, 8_000)))
                .isEqualTo(Rollout.Decision.HOLD);
        assertThat(rollout.lastAnalysis().outcome()).isEqualTo(CanaryAnalysis.Outcome.WAITING);
        assertThat(rollout.lastAnalysis().message()).contains("finished 19 of the 20 calls");
        assertThat(rollout.weight()).isEqualTo(5);
        assertThat(rollout.nextStepAt()).isEqualTo(T0.plus(STEP.multipliedBy(2)));

        assertThat(rollout.analyse(T0.plus(STEP.multipliedBy(2)), "1.0.0", HEALTHY_STABLE, "2.0.0",
                new Figures(20, 0, 8_000))).isEqualTo(Rollout.Decision.WIDEN);
    }

    @Test
    void aPausedCanaryIsNeverDueUntilResumedAndThenAFullStepLater() {
        Rollout rollout = rollout(List.of(5, 100));
        rollout.pause();
        assertThat(rollout.nextStepAt()).isNull();
        assertThat(rollout.analyse(T0.plus(STEP.multipliedBy(10)), "1.0.0", HEALTHY_STABLE, "2.0.0", HEALTHY_CANARY))
                .isEqualTo(Rollout.Decision.HOLD);
        assertThat(rollout.lastAnalysis()).isNull();

        Instant resumedAt = T0.plus(STEP.multipliedBy(10));
        rollout.resume(resumedAt);
        assertThat(rollout.due(resumedAt.plus(STEP).minusMillis(1))).isFalse();
        assertThat(rollout.due(resumedAt.plus(STEP))).isTrue();
    }

    @Test
    void aCallWindowCountsUntilRestartedAndBoundsItsLatencies() {
        CallWindow window = new CallWindow();
        for (int i = 0; i < 99; i++) {
            window.record(Duration.ofMillis(1).toNanos(), false);
        }
        window.record(Duration.ofHours(5).toNanos(), true);
        Figures figures = window.look();
        assertThat(figures.calls()).isEqualTo(100);
        assertThat(figures.failures()).isEqualTo(1);
        assertThat(figures.p99Micros()).isBetween(990L, 1010L);
        window.record(Duration.ofMillis(2).toNanos(), false);
        assertThat(window.look().calls()).as("a look adds to the window, it does not end it").isEqualTo(101);
        window.restart();
        assertThat(window.look()).isEqualTo(Figures.none());
    }

    @Test
    void thePlanReadsTheManifestFormAndRefusesWhatItCannotUse() {
        assertThat(CanaryPlan.fromManifest("canary 5,25,100 every 1m"))
                .isEqualTo(new CanaryPlan(List.of(5, 25, 100), Duration.ofMinutes(1), false));
        assertThat(CanaryPlan.fromManifest("canary 10, 50 every 500ms sticky"))
                .isEqualTo(new CanaryPlan(List.of(10, 50, 100), Duration.ofMillis(500), true));
        assertThat(CanaryPlan.fromManifest("canary")).isEqualTo(new CanaryPlan(CanaryPlan.DEFAULT_STEPS,
                CanaryPlan.DEFAULT_STEP_EVERY, false));
        assertThat(CanaryPlan.fromManifest("canary 5,25,100 every 1m").describe()).isEqualTo("canary 5,25,100 every 1m");
        assertThat(CanaryPlan.fromManifest("canary 10, 50 every 500ms sticky").describe())
                .isEqualTo("canary 10,50,100 every 500ms sticky");

        assertThatThrownBy(() -> CanaryPlan.fromManifest("blue-green")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: canary [STEPS] [every DURATION] [sticky]");
        assertThatThrownBy(() -> CanaryPlan.fromManifest("canary 50,25,100")).hasMessageContaining("rising");
        assertThatThrownBy(() -> CanaryPlan.fromManifest("canary 100")).hasMessageContaining("weights below 100");
        assertThatThrownBy(() -> CanaryPlan.fromManifest("canary 5 every 10ms")).hasMessageContaining("100 ms to 24 h");
    }
}
