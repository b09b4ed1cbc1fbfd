package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleDescriptor;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.dispatch.ServiceConflictException;
import java.nio.file.Path;

/**
 * One bundle's deployment of a staged jar that restores nothing of a restart: it replaces a
 * canary running, starts as a canary beside the version serving when it comes with a plan, or
 * else takes over in an ordinary swap (loaded, remembered in the history, switched in with its
 * probation; a switch refused because another bundle serves one of its services fails it).
 * Only the {@link BundleLifecycle}'s synchronized {@code deploy} calls it, so it runs under the
 * lifecycle's monitor like every other change to the bundle; what the lifecycle keeps of the
 * bundle changes through the lifecycle's own methods.
 */
final class Swap {

    private final LoadedVersions versions;
    private final CanaryControl canary;
    private final Host host;
    private final BundleLifecycle lifecycle;
    private final Probation.Outcome onProbation;
    private final Retirer retirer;
    private final LifecycleListener listener;

    Swap(LoadedVersions versions, CanaryControl canary, Host host, BundleLifecycle lifecycle,
         Probation.Outcome onProbation, Retirer retirer, LifecycleListener listener) {
        this.versions = versions;
        this.canary = canary;
        this.host = host;
        this.lifecycle = lifecycle;
        this.onProbation = onProbation;
        this.retirer = retirer;
        this.listener = listener;
    }

    /**
     * As {@link BundleLifecycle#deploy} once nothing is restored; the caller holds the lifecycle's monitor.
     *
     * @param plan how the canary widens, or null for an ordinary swap
     * @return true if the new version serves now (all calls, or a canary's share)
     */
    boolean deploy(Path from, BundleDescriptor descriptor, CanaryPlan plan, long startNanos) {
        if (versions.canary() != null) {
            versions.endCanary(lifecycle.name() + " canary " + versions.canary().version() + " replaced by a new deployment");
        }
        if (plan != null && versions.active() != null) {
            return canary.start(from, descriptor, plan, startNanos);
        }
        BundleGeneration generation = host.loadOrFail(from, descriptor, lifecycle);
        if (generation == null) {
            return false;
        }
        BundleGeneration previous;
        History before = lifecycle.history();
        // Remembered before the switch is visible, so a status read that sees the new version
        // serving also finds it in the history (the read model reads without the monitor).
        lifecycle.remember(descriptor);
        try {
            previous = versions.switchTo(generation, onProbation, startNanos);
        } catch (ServiceConflictException e) {
            lifecycle.forget(before);
            generation.fail();
            retirer.discard(generation);
            lifecycle.failed(from, new DeploymentException(DeploymentException.Failure.CONFLICT, generation.name() + " "
                    + generation.version() + ": " + e.getMessage(), e), descriptor);
            return false;
        }
        lifecycle.served(from, descriptor);
        listener.deployed(generation, from, previous, System.nanoTime() - startNanos);
        listener.servingChanged(lifecycle.facts());
        return true;
    }
}
