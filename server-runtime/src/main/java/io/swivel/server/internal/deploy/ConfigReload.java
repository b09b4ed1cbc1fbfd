package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.dispatch.ServiceConflictException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Delivers an edited {@code <bundle>.properties} to the version serving: in place, through its
 * configuration listeners, or, for a version without listeners, by starting the same version
 * again with the new configuration and swapping it in (with probation, like any swap). The
 * {@link BundleLifecycle} that owns this object calls it under its monitor.
 */
final class ConfigReload {

    private final Host host;
    private final LoadedVersions versions;
    private final LifecycleListener listener;
    private final Probation.Outcome onProbation;
    private final CanaryControl.Bundle bundle;

    ConfigReload(Host host, LoadedVersions versions, LifecycleListener listener, Probation.Outcome onProbation,
                 CanaryControl.Bundle bundle) {
        this.host = host;
        this.versions = versions;
        this.listener = listener;
        this.onProbation = onProbation;
        this.bundle = bundle;
    }

    /**
     * Applies the configuration the version serving would start with now, if it differs from
     * its own; a failure is the bundle's last error, and the version serving keeps serving.
     */
    void apply() {
        BundleGeneration active = versions.active();
        if (active == null) {
            return;
        }
        long start = System.nanoTime();
        Map<String, String> config;
        try {
            config = host.readConfig(active.descriptor());
        } catch (DeploymentException e) {
            bundle.error(e.getMessage());
            listener.configFailed(active, e.getMessage(), e.getCause());
            return;
        }
        if (config.equals(active.context().config().asMap())) {
            return;
        }
        if (!active.context().hasConfigListeners()) {
            listener.configRestarting(active);
            restart(active, start);
            return;
        }
        try {
            active.context().updateConfig(config);
            listener.configApplied(active, System.nanoTime() - start);
        } catch (Exception e) {
            String message = active.name() + " " + active.version() + " could not apply its new configuration: " + e;
            bundle.error(message);
            listener.configFailed(active, message, e);
        }
    }

    /** The same version, started again with the configuration it reads now, takes over. */
    private void restart(BundleGeneration serving, long start) {
        BundleGeneration restarted;
        BundleGeneration previous;
        Path jar = bundle.facts().jar();
        try {
            restarted = host.load(serving.descriptor());
            previous = versions.switchTo(restarted, onProbation, start);
        } catch (DeploymentException e) {
            bundle.failed(jar, e, serving.descriptor()); // the version that did not restart (its file stays: it serves)
            return;
        } catch (ServiceConflictException e) {
            throw new IllegalStateException("the same version conflicted with itself", e);
        }
        listener.deployed(restarted, jar, previous, System.nanoTime() - start);
        listener.servingChanged(bundle.facts());
    }
}
