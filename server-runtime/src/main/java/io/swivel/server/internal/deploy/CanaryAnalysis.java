package io.swivel.server.internal.deploy;

import io.swivel.server.config.CanaryPolicy;
import io.swivel.server.internal.bundle.CallWindow.Figures;
import java.time.Instant;
import java.util.Locale;

/**
 * One analysis of a canary: its figures and the stable version's over the same window, the
 * verdict, and the sentence that explains it ("canary 2.0.0 failed 31% of 412 calls against 0.2%
 * for 1.0.0 at step 5%").
 *
 * @param outcome passed, failed, or waiting for calls
 * @param weight the canary's weight during the window, in percent
 * @param stableVersion the stable version
 * @param stable its figures
 * @param canaryVersion the canary's version
 * @param canary its figures
 * @param message what was compared and found
 * @param at when
 */
public record CanaryAnalysis(Outcome outcome, int weight, String stableVersion, Figures stable, String canaryVersion,
                             Figures canary, String message, Instant at) {

    /** What an analysis found. */
    public enum Outcome {
        /** Within budget: the next step may begin. */
        PASSED,
        /** Out of budget: all calls go back to the stable version. */
        FAILED,
        /** Too few canary calls in the window to judge: the step is held. */
        WAITING;

        /** @return the lower-case name, for metrics and JSON */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Compares a canary's window with the stable version's.
     *
     * @param policy the budget
     * @param weight the canary's weight in the window
     * @param stableVersion the stable version
     * @param stable its figures
     * @param canaryVersion the canary's version
     * @param canary its figures
     * @param at now
     * @return the analysis
     */
    static CanaryAnalysis judge(CanaryPolicy policy, int weight, String stableVersion, Figures stable,
                                String canaryVersion, Figures canary, Instant at) {
        String step = " at step " + weight + "%";
        if (canary.calls() < policy.minCalls()) {
            return new CanaryAnalysis(Outcome.WAITING, weight, stableVersion, stable, canaryVersion, canary,
                    "canary " + canaryVersion + " finished " + canary.calls() + " of the " + policy.minCalls()
                            + " calls an analysis needs" + step + "; the step is held", at);
        }
        String errors = "canary " + canaryVersion + " failed " + Figures.percent(canary.errorRate()) + " of "
                + canary.calls() + " calls against " + Figures.percent(stable.errorRate()) + " for " + stableVersion;
        if (canary.errorRate() > stable.errorRate() + policy.errorRateSlack() + 1e-9) {
            return new CanaryAnalysis(Outcome.FAILED, weight, stableVersion, stable, canaryVersion, canary,
                    errors + step + " (budget: " + Figures.percent(stable.errorRate() + policy.errorRateSlack()) + ")", at);
        }
        String latency = String.format(Locale.ROOT, "p99 %.1f ms against %.1f ms", canary.p99Micros() / 1000.0,
                stable.p99Micros() / 1000.0);
        long floorMicros = policy.p99Floor().toNanos() / 1000;
        if (stable.calls() > 0 && canary.p99Micros() > floorMicros
                && canary.p99Micros() > policy.p99Factor() * stable.p99Micros()) {
            return new CanaryAnalysis(Outcome.FAILED, weight, stableVersion, stable, canaryVersion, canary,
                    "canary " + canaryVersion + " " + latency + " for " + stableVersion + step
                            + String.format(Locale.ROOT, " (budget: %.1f×)", policy.p99Factor()), at);
        }
        return new CanaryAnalysis(Outcome.PASSED, weight, stableVersion, stable, canaryVersion, canary,
                errors + ", " + latency + step + ": within budget", at);
    }
}
