package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleDescriptor;
import io.swivel.server.internal.bundle.BundleGeneration;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Hears what happens in the life of a bundle. Called synchronously by the {@link BundleLifecycle}
 * (under its lock, except {@link #drained} and {@link #unloaded}, which run on a drain thread):
 * a listener does quick work (a marker, a meter, a log line) and never calls back into the
 * lifecycle. What a listener throws is logged and does not change what happened.
 */
interface LifecycleListener {

    /**
     * A jar with new content was staged: copied under {@code <data-dir>/history} and identified;
     * loading it comes next.
     *
     * @param descriptor what the jar holds
     */
    default void staged(BundleDescriptor descriptor) {
    }

    /**
     * A jar did not deploy; what served before still serves.
     *
     * @param bundle the bundle it claims (or its file name's)
     * @param version the version it holds, or null if it could not be read that far
     * @param jar the jar
     * @param error why
     * @param servingInstead what serves instead, or null
     */
    default void failed(String bundle, String version, Path jar, DeploymentException error,
                       BundleGeneration servingInstead) {
    }

    /**
     * A new version serves: from its jar, or the same version restarted with a new configuration.
     *
     * @param generation the version
     * @param jar the jar it was deployed from
     * @param previous the version it replaced, or null if nothing served
     * @param nanos from staging to serving
     */
    default void deployed(BundleGeneration generation, Path jar, BundleGeneration previous, long nanos) {
    }

    /**
     * After a restart, the version a rollback had left serving serves again from history,
     * because the jar still holds the content rolled back from.
     *
     * @param generation the version serving
     * @param jar the jar
     * @param jarVersion the version the jar holds
     * @param rollback the rollback remembered
     */
    default void restored(BundleGeneration generation, Path jar, String jarVersion, Rollback rollback) {
    }

    /**
     * A jar is still being copied.
     *
     * @param jar the jar
     * @param size the bytes present so far
     */
    default void pending(Path jar, long size) {
    }

    /**
     * One version replaced another with one switch (a deployment, a rollback, a restart with a
     * new configuration).
     *
     * @param from the version replaced, or null if nothing served
     * @param to the version serving now
     * @param nanos from the start of the operation to the switch
     */
    default void swapped(BundleGeneration from, BundleGeneration to, long nanos) {
    }

    /**
     * A version that no longer takes calls finished draining.
     *
     * @param generation the version
     * @param drain how it went
     */
    default void drained(BundleGeneration generation, Retirer.Drain drain) {
    }

    /**
     * A version was loaded and started: told before it is activated or routed in any role, so
     * what a listener builds for it (its meters) exists before its first call.
     *
     * @param generation the version, {@code STARTING}
     */
    default void loaded(BundleGeneration generation) {
    }

    /**
     * A version was unloaded: it will take no call again.
     *
     * @param generation the version
     */
    default void unloaded(BundleGeneration generation) {
    }

    /**
     * An unloaded version left something behind that may keep its classloader in memory: threads it
     * started itself (named and interrupted), thread-local values of its classes on server threads
     * (cleared), a sweep that did not finish.
     *
     * @param generation the version
     * @param leftBehind what was found, one line each
     */
    default void leakReported(BundleGeneration generation, java.util.List<String> leftBehind) {
    }

    /**
     * A rollback made an earlier version serve.
     *
     * @param from the version rolled back from
     * @param to the version serving now
     * @param source "standby" or "history"
     * @param rollback who, why, when
     * @param message the one-line summary the caller is answered with
     */
    default void rolledBack(BundleGeneration from, BundleGeneration to, String source, Rollback rollback,
                            String message) {
    }

    /**
     * A version passed probation; its standby goes.
     *
     * @param generation the version
     * @param standby the standby released
     */
    default void probationPassed(BundleGeneration generation, BundleGeneration standby) {
    }

    /**
     * A version failed probation; the rollback to its standby follows.
     *
     * @param generation the version
     * @param reason why it failed
     */
    default void probationFailed(BundleGeneration generation, String reason) {
    }

    /**
     * A version failed probation and could not be rolled back.
     *
     * @param generation the version
     * @param reason why it failed
     * @param error why the rollback did not happen
     */
    default void probationRollbackFailed(BundleGeneration generation, String reason, RollbackException error) {
    }

    /**
     * An edited configuration reached the version serving through its configuration listeners.
     *
     * @param generation the version
     * @param nanos how long it took
     */
    default void configApplied(BundleGeneration generation, long nanos) {
    }

    /**
     * The version serving has no configuration listener: it is started again with the edited
     * configuration and swapped in.
     *
     * @param generation the version serving
     */
    default void configRestarting(BundleGeneration generation) {
    }

    /**
     * An edited configuration did not reach the version serving, which keeps its configuration.
     *
     * @param generation the version serving
     * @param message why
     * @param cause the exception, or null
     */
    default void configFailed(BundleGeneration generation, String message, Throwable cause) {
    }

    /**
     * What a bundle serves from its jar changed: the marker beside the jar and {@code state.json}
     * follow.
     *
     * @param facts the bundle now
     */
    default void servingChanged(BundleFacts facts) {
    }

    /**
     * A jar left the deploy directory; if a bundle served from it, nothing of it serves now.
     *
     * @param bundle the bundle that served from it, or null
     * @param jar the deleted jar
     */
    default void undeployed(String bundle, Path jar) {
    }

    /**
     * A bundle that {@code state.json} remembered has no jar any more after a restart.
     *
     * @param bundle the bundle name
     */
    default void forgotten(String bundle) {
    }

    /**
     * Durations in messages, for listeners that log.
     *
     * @param nanos a duration
     * @return whole milliseconds
     */
    static long millis(long nanos) {
        return Duration.ofNanos(nanos).toMillis();
    }

    /**
     * A canary started beside the version serving, or took its next weight.
     *
     * @param canary the canary
     * @param stable the version serving the rest
     * @param rollout its plan and progress
     */
    default void canaryWeighted(BundleGeneration canary, BundleGeneration stable, Rollout rollout) {
    }

    /**
     * A canary's analysis ended (passed, failed or waiting for calls).
     *
     * @param bundle the bundle
     * @param analysis what was compared and found
     */
    default void canaryAnalysed(String bundle, CanaryAnalysis analysis) {
    }

    /**
     * A canary ended: promoted (it serves every call) or rolled back (the stable version does).
     *
     * @param canary the canary
     * @param stable the version that served beside it
     * @param promoted true if the canary serves now
     * @param message what happened, in one line
     */
    default void canaryEnded(BundleGeneration canary, BundleGeneration stable, boolean promoted, String message) {
    }

    /**
     * A shadow started beside the version serving (from a command, a dropped jar marked
     * {@code Swivel-Rollout: shadow}, or {@code state.json} after a restart).
     *
     * @param mirror the shadow, its settings and its report
     * @param message what happened, in one line
     */
    default void shadowStarted(ShadowMirror mirror, String message) {
    }

    /**
     * A shadow ended: stopped, replaced by another, or promoted (its jar started as a canary).
     * Not told at shutdown: a shadow running then starts again after the restart.
     *
     * @param mirror the shadow, with its final counts
     * @param promoted true if it ended because it was promoted
     * @param message what happened, with the final counts, in one line
     */
    default void shadowEnded(ShadowMirror mirror, boolean promoted, String message) {
    }

    /**
     * A shadow that ran before a restart did not start again.
     *
     * @param bundle the bundle
     * @param version the shadow's version
     * @param why what stood in the way
     */
    default void shadowForgotten(String bundle, String version, Exception why) {
    }
}
