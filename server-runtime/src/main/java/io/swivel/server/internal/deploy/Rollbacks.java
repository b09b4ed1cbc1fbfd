package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleDescriptor;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.dispatch.ServiceConflictException;
import java.time.Clock;

/**
 * One bundle's rollbacks: to the standby (one switch) or to a version kept in history, asked for
 * by hand or when a probation fails, and the end of a probation that passed. Every method runs
 * under the {@link BundleLifecycle}'s monitor: the lifecycle's own synchronized methods call in,
 * and the probation outcomes, which arrive on their own threads, take that monitor first.
 */
final class Rollbacks {

    private final String name;
    private final BundleLifecycle lifecycle;
    private final LoadedVersions versions;
    private final CanaryControl canary;
    private final Host host;
    private final Retirer retirer;
    private final LifecycleListener listener;
    private final Clock clock;

    Rollbacks(String name, BundleLifecycle lifecycle, LoadedVersions versions, CanaryControl canary, Host host,
              Retirer retirer, LifecycleListener listener, Clock clock) {
        this.name = name;
        this.lifecycle = lifecycle;
        this.versions = versions;
        this.canary = canary;
        this.host = host;
        this.retirer = retirer;
        this.listener = listener;
        this.clock = clock;
    }

    /** As {@link BundleLifecycle#rollback(String, String, String)}; the caller holds the lifecycle's monitor. */
    String rollback(String toVersion, String by, String reason) throws RollbackException {
        BundleGeneration from = versions.active();
        if (from == null) {
            throw new RollbackException(RollbackException.Reason.UNKNOWN_BUNDLE, "no bundle " + name
                    + " serves here", null);
        }
        if (versions.canary() != null && (toVersion == null || toVersion.equals(from.version()))) {
            return canary.rollBack(by, reason != null ? reason : "rolled back");
        }
        long start = System.nanoTime();
        BundleGeneration kept = versions.standby();
        BundleGeneration target;
        String source;
        if (kept != null && (toVersion == null || toVersion.equals(kept.version()))) {
            target = kept;
            source = "standby";
        } else {
            target = loadFromHistory(from, toVersion);
            source = "history";
        }
        try {
            versions.switchTo(target, null, start);
        } catch (ServiceConflictException e) {
            if (target != kept) {
                target.fail();
                retirer.discard(target);
            }
            throw new RollbackException(RollbackException.Reason.LOAD_FAILED, name + " " + target.version()
                    + " cannot serve: " + e.getMessage() + "; " + from.version() + " keeps serving", e);
        }
        long millis = LifecycleListener.millis(System.nanoTime() - start);
        Rollback rollback = new Rollback(by, from.version(), target.version(), reason, clock.instant());
        if (reason != null) {
            lifecycle.error(name + " " + from.version() + " was rolled back to " + target.version() + " by " + by
                    + ": " + reason);
        }
        BundleFacts.JarContent holds = lifecycle.jarHolds();
        boolean jarServes = holds != null && !holds.failed() && target.descriptor().sha256().equals(holds.sha256());
        lifecycle.rolledBack(jarServes ? null : rollback);
        String message = name + " " + from.version() + " → " + target.version() + " rolled back from " + source
                + " in " + millis + " ms";
        listener.rolledBack(from, target, source, rollback, message);
        listener.servingChanged(lifecycle.facts());
        return message;
    }

    private BundleGeneration loadFromHistory(BundleGeneration from, String toVersion) throws RollbackException {
        HistoryEntry entry = lifecycle.history().rollbackTarget(name, from.version(), from.descriptor().sha256(),
                toVersion);
        try {
            BundleDescriptor descriptor = host.fromHistory(name, entry, lifecycle.jar());
            if (!descriptor.sha256().equals(entry.sha256())) {
                throw new DeploymentException(DeploymentException.Failure.BAD_JAR, descriptor.staged()
                        + " no longer holds the content deployed as " + entry.version() + " (its SHA-256 changed)", null);
            }
            return host.load(descriptor);
        } catch (DeploymentException e) {
            lifecycle.error("rollback to " + entry.version() + " failed: " + e.getMessage());
            throw new RollbackException(RollbackException.Reason.LOAD_FAILED, name + " " + entry.version()
                    + " from history did not start: " + e.getMessage() + "; " + from.version() + " keeps serving", e);
        }
    }

    /** A probation failed: back to the standby, unless the version was replaced or rolled back meanwhile. */
    void probationFailed(BundleGeneration generation, String reason) {
        synchronized (lifecycle) {
            BundleGeneration kept = versions.standby();
            if (!versions.onProbation(generation) || kept == null) {
                return; // replaced or rolled back meanwhile
            }
            listener.probationFailed(generation, reason);
            try {
                rollback(kept.version(), BundleLifecycle.BY_PROBATION, generation.version() + " failed probation: "
                        + reason);
            } catch (RollbackException e) {
                lifecycle.error(generation.name() + " " + generation.version() + " failed probation (" + reason
                        + ") but could not be rolled back: " + e.getMessage());
                listener.probationRollbackFailed(generation, reason, e);
            }
        }
    }

    /** A probation passed: the standby is released. */
    void probationPassed(BundleGeneration generation) {
        synchronized (lifecycle) {
            if (!versions.onProbation(generation)) {
                return;
            }
            BundleGeneration kept = versions.standby();
            if (kept != null) {
                listener.probationPassed(generation, kept);
            }
            versions.releaseStandby();
        }
    }
}
