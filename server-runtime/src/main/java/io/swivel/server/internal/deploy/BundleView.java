package io.swivel.server.internal.deploy;

import java.time.Instant;
import java.util.List;

/**
 * What {@code swivel status} and {@code GET /v1/bundles} show of one bundle.
 *
 * @param name the bundle name
 * @param jar the jar's file name in the deploy directory
 * @param active the version serving, or null
 * @param standby the previous version kept started during the active one's probation, or null
 * @param probationEndsAt when the standby is released, or null
 * @param rolledBack set when the active version is not the jar's content
 * @param lastError the last failure (deployment, configuration, probation), or null
 * @param lastErrorAt when it happened, or null
 * @param history the versions kept in history, newest first
 * @param canary the second active version taking part of the calls, or null
 * @param rollout the canary's plan and progress, or null
 */
public record BundleView(String name, String jar, Version active, Version standby, Instant probationEndsAt,
                         Rollback rolledBack, String lastError, Instant lastErrorAt, List<HistoryEntry> history,
                         Version canary, RolloutView rollout) {

    /**
     * Where a canary stands.
     *
     * @param plan the plan in the manifest form ({@code canary 1,5,25,50,100 every 1m})
     * @param steps the weights, in percent
     * @param step the index of the step reached
     * @param weight the canary's weight now, in percent
     * @param sticky whether the same arguments keep to one version
     * @param paused whether it is paused
     * @param nextStepAt when the next analysis runs, or null while paused
     * @param lastAnalysis what the last analysis compared and found, or null before the first
     */
    public record RolloutView(String plan, List<Integer> steps, int step, int weight, boolean sticky, boolean paused,
                              Instant nextStepAt, CanaryAnalysis lastAnalysis) {
    }

    /**
     * One loaded version.
     *
     * @param version the version
     * @param sha256 the jar's content hash
     * @param state the lifecycle state
     * @param inFlight calls running now
     * @param calls calls finished since it became active
     * @param failedCalls of those, unexpected failures
     * @param services the services it serves
     * @param weight the share of the bundle's calls it takes, in percent
     */
    public record Version(String version, String sha256, String state, int inFlight, long calls, long failedCalls,
                          List<String> services, int weight) {
    }
}
