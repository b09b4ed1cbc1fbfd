package io.swivel.server.internal.deploy;

import io.swivel.server.config.CanaryPolicy;
import io.swivel.server.internal.bundle.CallWindow.Figures;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a canary stands in its plan: the step (and so the weight), whether it is paused, when
 * the next analysis is due and what the last one found. Pure logic on a clock the caller passes
 * in; the {@link BundleLifecycle} owns it and changes it under its monitor (fields volatile for
 * status reads).
 */
final class Rollout {

    /** What the lifecycle must do after an analysis. */
    enum Decision {
        /** Nothing changes yet (not due, paused, or too few calls). */
        HOLD,
        /** The canary takes the next step's weight. */
        WIDEN,
        /** The next step is 100%: the canary becomes the version serving. */
        PROMOTE,
        /** Out of budget: every call goes back to the stable version and the canary unloads. */
        ROLL_BACK
    }

    private final CanaryPlan plan;
    private final CanaryPolicy policy;
    private volatile int step;
    private volatile boolean paused;
    private volatile Instant nextStepAt;
    private volatile CanaryAnalysis lastAnalysis;

    Rollout(CanaryPlan plan, CanaryPolicy policy, Instant now, int step, boolean paused) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.policy = Objects.requireNonNull(policy, "policy");
        if (step < 0 || step >= plan.steps().size() - 1) {
            throw new IllegalArgumentException("step: " + step + " (expected: 0.." + (plan.steps().size() - 2) + ")");
        }
        this.step = step;
        this.paused = paused;
        this.nextStepAt = now.plus(plan.stepEvery());
    }

    CanaryPlan plan() {
        return plan;
    }

    /** @return the index of the step the canary is at */
    int step() {
        return step;
    }

    /** @return the canary's weight now, in percent */
    int weight() {
        return plan.steps().get(step);
    }

    boolean paused() {
        return paused;
    }

    /** @return when the next analysis is due, or null while paused */
    Instant nextStepAt() {
        return paused ? null : nextStepAt;
    }

    CanaryAnalysis lastAnalysis() {
        return lastAnalysis;
    }

    /** @return whether an analysis is due now */
    boolean due(Instant now) {
        return !paused && !now.isBefore(nextStepAt);
    }

    /**
     * Analyses the window that ends now and moves the plan on: the next step, promotion, or a
     * rollback; too few canary calls hold the step (the window goes on).
     *
     * @return what the lifecycle must do; {@link Decision#HOLD} if no analysis was due
     */
    Decision analyse(Instant now, String stableVersion, Figures stable, String canaryVersion, Figures canary) {
        if (!due(now)) {
            return Decision.HOLD;
        }
        CanaryAnalysis analysis = CanaryAnalysis.judge(policy, weight(), stableVersion, stable, canaryVersion, canary, now);
        lastAnalysis = analysis;
        nextStepAt = now.plus(plan.stepEvery());
        return switch (analysis.outcome()) {
            case WAITING -> Decision.HOLD;
            case FAILED -> Decision.ROLL_BACK;
            case PASSED -> {
                if (step + 1 == plan.steps().size() - 1) {
                    yield Decision.PROMOTE;
                }
                step++;
                yield Decision.WIDEN;
            }
        };
    }

    /** Holds the weight where it is; no analysis runs until {@link #resume}. */
    void pause() {
        paused = true;
    }

    /** Analyses again one step length from now. */
    void resume(Instant now) {
        nextStepAt = now.plus(plan.stepEvery());
        paused = false;
    }

    /** @return how long a step lasts */
    Duration stepEvery() {
        return plan.stepEvery();
    }

    /** @return {@code 5% (step 2 of 5)} */
    String describe() {
        return weight() + "% (step " + (step + 1) + " of " + plan.steps().size() + ")" + (paused ? ", paused" : "");
    }
}
