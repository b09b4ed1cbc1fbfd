package io.swivel.server.internal.deploy;

import io.swivel.server.config.CanaryPolicy;
import io.swivel.server.internal.bundle.BundleDescriptor;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.dispatch.ServiceConflictException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The canary commands of one bundle: start (or restart after a restart of the server), the
 * analysis at each step, promote, abort, pause and resume. Its {@link BundleLifecycle} calls it
 * under the lifecycle's monitor and lends it what it keeps of the bundle ({@link Bundle}: the
 * jar, the rollback, the last error); the versions change through {@link LoadedVersions}.
 */
final class CanaryControl {

    /** What the lifecycle keeps of the bundle, as a canary changes it. */
    interface Bundle {
        /** The history remembers a version before it is routed, so a status read that sees it finds it there. */
        void remember(BundleDescriptor descriptor);

        /** The jar's content serves now (a canary's share). */
        void served(Path from, BundleDescriptor descriptor);

        /** A jar that did not start; the version serving keeps serving. */
        void failed(Path from, DeploymentException error, BundleDescriptor staged);

        /** The version serving is not the jar's content because of this rollback. */
        void rolledBack(Rollback rollback);

        /** The last error, for the status. */
        void error(String message);

        /** The bundle as markers and {@code state.json} describe it. */
        BundleFacts facts();
    }

    private final String name;
    private final LoadedVersions versions;
    private final Host host;
    private final Retirer retirer;
    private final LifecycleListener listener;
    private final Clock clock;
    private final CanaryPolicy policy;
    private final Probation.Outcome onProbation;
    private final Bundle bundle;

    CanaryControl(String name, LoadedVersions versions, Host host, Retirer retirer, LifecycleListener listener,
                  Clock clock, CanaryPolicy policy, Probation.Outcome onProbation, Bundle bundle) {
        this.name = name;
        this.versions = versions;
        this.host = host;
        this.retirer = retirer;
        this.listener = listener;
        this.clock = clock;
        this.policy = policy;
        this.onProbation = onProbation;
        this.bundle = bundle;
    }

    boolean start(Path from, BundleDescriptor descriptor, Rollout rollout, long startNanos) {
        BundleGeneration generation = host.loadOrFail(from, descriptor, bundle);
        if (generation == null) {
            return false;
        }
        BundleGeneration stable = versions.active();
        bundle.remember(descriptor);
        versions.startCanary(generation, rollout);
        bundle.served(from, descriptor);
        listener.canaryWeighted(generation, stable, rollout);
        listener.servingChanged(bundle.facts());
        return true;
    }

    /** Starts a canary at the first step of its plan. */
    boolean start(Path from, BundleDescriptor descriptor, CanaryPlan plan, long startNanos) {
        return start(from, descriptor, new Rollout(plan, policy, clock.instant(), 0, false), startNanos);
    }

    /** After a restart: the jar holds the canary that ran beside the saved active version; serve that one again. */
    Rollout restore(SavedState.SavedCanary saved, Path from, BundleDescriptor descriptor, Path jar,
                    String savedActiveSha256, History history) {
        if (saved == null || versions.active() != null || !from.equals(jar) || savedActiveSha256 == null
                || !descriptor.sha256().equals(saved.sha256()) || savedActiveSha256.equals(saved.sha256())) {
            return null;
        }
        Rollout rollout;
        try {
            CanaryPlan plan = CanaryPlan.fromManifest(saved.plan());
            rollout = new Rollout(plan, policy, clock.instant(), Math.min(saved.step(), plan.steps().size() - 2),
                    saved.paused());
        } catch (IllegalArgumentException e) {
            bundle.error(name + ": the canary saved in state.json does not read (" + e.getMessage() + "); deploying "
                    + from.getFileName() + " as it is");
            return null;
        }
        BundleGeneration stable = RestartRestore.load(name, host, retirer, versions, history, savedActiveSha256, from);
        if (stable == null) {
            return null;
        }
        listener.restored(stable, from, descriptor.version(), null);
        return rollout;
    }

    /**
     * The canary's timer: if an analysis is due, compares the two versions' windows and widens,
     * promotes or rolls back. Does nothing without a canary or before its time.
     */
    void tick() {
        Rollout rollout = versions.rollout();
        BundleGeneration canary = versions.canary();
        BundleGeneration stable = versions.active();
        if (rollout == null || canary == null || stable == null || !rollout.due(clock.instant())
                || canary.window() == null || stable.window() == null) {
            return;
        }
        Rollout.Decision decision = rollout.analyse(clock.instant(), stable.version(), stable.window().look(),
                canary.version(), canary.window().look());
        CanaryAnalysis analysis = rollout.lastAnalysis();
        listener.canaryAnalysed(name, analysis);
        switch (decision) {
            case HOLD -> listener.servingChanged(bundle.facts());
            case WIDEN -> {
                versions.widen();
                listener.canaryWeighted(canary, stable, rollout);
                listener.servingChanged(bundle.facts());
            }
            case PROMOTE -> promoteNow(BundleLifecycle.BY_ANALYSIS, analysis.message());
            case ROLL_BACK -> rollBack(BundleLifecycle.BY_ANALYSIS, analysis.message());
        }
    }

    /**
     * Makes the canary serve every call now; the stable version stands by for its probation.
     *
     * @param by who asks
     * @return what happened, in one line
     * @throws CanaryException if there is no canary
     */
    String promote(String by) throws CanaryException {
        requireCanary("promote");
        return promoteNow(by, null);
    }

    /**
     * Sends every call back to the stable version now; the canary drains and unloads, and the
     * jar (which holds the canary) is not deployed again until its content changes.
     *
     * @param by who asks
     * @param reason why, or null
     * @return what happened, in one line
     * @throws CanaryException if there is no canary
     */
    String abort(String by, String reason) throws CanaryException {
        requireCanary("abort");
        return rollBack(by, reason != null ? reason : "aborted");
    }

    /**
     * Holds or releases the canary's weight: paused, no analysis runs and the weight stays.
     *
     * @param paused true to pause, false to resume (the next analysis one step length from now)
     * @return what happened, in one line
     * @throws CanaryException if there is no canary
     */
    String pause(boolean paused) throws CanaryException {
        Rollout rollout = requireCanary(paused ? "pause" : "resume");
        if (paused) {
            rollout.pause();
        } else {
            rollout.resume(clock.instant());
        }
        listener.servingChanged(bundle.facts());
        return name + " canary " + versions.canary().version() + (paused ? " paused at " : " resumed at ")
                + rollout.describe();
    }

    private Rollout requireCanary(String action) throws CanaryException {
        Rollout rollout = versions.rollout();
        if (versions.canary() == null || rollout == null) {
            throw new CanaryException(CanaryException.Reason.NO_CANARY, "bundle " + name + " runs no canary to "
                    + action + (versions.active() != null ? "; " + versions.active().version() + " serves every call" : ""));
        }
        return rollout;
    }

    private String promoteNow(String by, String analysis) {
        long start = System.nanoTime();
        BundleGeneration canary = versions.canary();
        BundleGeneration previous;
        try {
            previous = versions.promote(onProbation, start);
        } catch (ServiceConflictException e) {
            return rollBack(by, canary.version() + " cannot serve every call: " + e.getMessage());
        }
        String message = name + " canary " + canary.version() + " promoted by " + by + ": it serves every call, "
                + (previous != null ? previous.version() + " " + (versions.standby() == previous ? "stands by" : "retires") : "")
                + (analysis != null ? " (" + analysis + ")" : "");
        listener.canaryEnded(canary, previous, true, message);
        listener.servingChanged(bundle.facts());
        return message;
    }

    String rollBack(String by, String reason) {
        BundleGeneration canary = versions.canary();
        BundleGeneration stable = versions.active();
        versions.endCanary(name + " canary " + canary.version() + " rolled back");
        Rollback rollback = new Rollback(by, canary.version(), stable.version(), reason, clock.instant());
        bundle.rolledBack(rollback);
        bundle.error(name + " canary " + canary.version() + " was rolled back to " + stable.version() + " by " + by + ": " + reason);
        String message = name + " canary " + canary.version() + " rolled back: every call goes to " + stable.version();
        listener.canaryEnded(canary, stable, false, message);
        listener.rolledBack(canary, stable, "canary", rollback, message);
        listener.servingChanged(bundle.facts());
        return message;
    }

}
