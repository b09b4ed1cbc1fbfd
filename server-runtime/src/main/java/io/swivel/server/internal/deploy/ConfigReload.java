package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleGeneration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Delivers an edited {@code <bundle>.properties} to the version serving: in place, through its
 * configuration listeners, or, for a version without listeners, by telling the lifecycle to
 * start the same version again with the new configuration and swap it in.
 */
final class ConfigReload {

    /** What the lifecycle does next. */
    enum Outcome {
        /** The configuration did not change, or was applied in place, or could not be applied: nothing more. */
        DONE,
        /** The version has no configuration listener: start it again and swap it in. */
        RESTART
    }

    private final Host host;
    private final LifecycleListener listener;

    ConfigReload(Host host, LifecycleListener listener) {
        this.host = host;
        this.listener = listener;
    }

    /**
     * Applies the configuration the version would start with now, if it differs from its own.
     *
     * @param active the version serving
     * @param error records a failure as the bundle's last error
     * @return what the lifecycle does next
     */
    Outcome apply(BundleGeneration active, Consumer<String> error) {
        long start = System.nanoTime();
        Map<String, String> config;
        try {
            config = host.readConfig(active.descriptor());
        } catch (DeploymentException e) {
            error.accept(e.getMessage());
            listener.configFailed(active, e.getMessage(), e.getCause());
            return Outcome.DONE;
        }
        if (config.equals(active.context().config().asMap())) {
            return Outcome.DONE;
        }
        if (!active.context().hasConfigListeners()) {
            listener.configRestarting(active);
            return Outcome.RESTART;
        }
        try {
            active.context().updateConfig(config);
            listener.configApplied(active, System.nanoTime() - start);
        } catch (Exception e) {
            String message = active.name() + " " + active.version() + " could not apply its new configuration: " + e;
            error.accept(message);
            listener.configFailed(active, message, e);
        }
        return Outcome.DONE;
    }
}
