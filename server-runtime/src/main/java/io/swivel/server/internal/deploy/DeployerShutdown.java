package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleGeneration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@link Deployer}'s shutdown: probation and the canary timer stop, every version loaded
 * (shadows too) stops taking calls and drains, then everything unloads. Every method runs
 * under the deployer's monitor (its synchronized {@code drainForShutdown} and {@code close}
 * call in).
 */
final class DeployerShutdown {

    private final Probation probation;
    private final CanaryTimer canaryTimer;
    private final Retirer retirer;
    private final Map<String, BundleLifecycle> lifecycles;
    private final ShadowCommands shadowCommands;
    /** The versions being shut down, once {@link #drain()} ran; guarded by the deployer's monitor. */
    private List<BundleGeneration> stopping;
    private boolean closed;

    DeployerShutdown(Probation probation, CanaryTimer canaryTimer, Retirer retirer,
                     Map<String, BundleLifecycle> lifecycles, ShadowCommands shadowCommands) {
        this.probation = probation;
        this.canaryTimer = canaryTimer;
        this.retirer = retirer;
        this.lifecycles = lifecycles;
        this.shadowCommands = shadowCommands;
    }

    /** See {@link Deployer#drainForShutdown()}. */
    int drain() {
        if (stopping != null) {
            return 0;
        }
        probation.close();
        canaryTimer.close();
        stopping = new ArrayList<>();
        shadowCommands.stopStarting(); // each lifecycle takes its shadow out below
        for (BundleLifecycle lifecycle : lifecycles.values()) {
            stopping.addAll(lifecycle.stopServing());
        }
        return retirer.drainAll(stopping);
    }

    /** See {@link Deployer#close()}. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        drain();
        for (BundleLifecycle lifecycle : lifecycles.values()) {
            lifecycle.removeFromDirectory();
        }
        retirer.unloadAll(stopping);
        stopping = List.of(); // holding the versions would keep their loaders from being collected
        retirer.close();
    }
}
