package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleDescriptor;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.logging.BundleMdc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The {@link Deployer}'s commands on one jar of the deploy directory: deploy it, undeploy it
 * (deleted, or by bundle name, which deletes it first) and fail it when its copy stalls, each
 * under that jar's lock, the first lock of the lock order; and the content last handled per
 * jar, so an unchanged jar is not deployed twice.
 */
final class JarCommands {

    private final BundleLoader loader;
    private final Map<String, BundleLifecycle> lifecycles;
    private final Function<String, BundleLifecycle> lifecycleOf;
    private final LifecycleListener listener;
    private final ShadowCommands shadows;
    private final Map<Path, Object> jarLocks = new ConcurrentHashMap<>();
    /** The content (sha256) last handled per jar, so an unchanged jar is not deployed twice. */
    private final Map<Path, String> handled = new ConcurrentHashMap<>();

    JarCommands(BundleLoader loader, Map<String, BundleLifecycle> lifecycles,
                Function<String, BundleLifecycle> lifecycleOf, LifecycleListener listener, ShadowCommands shadows) {
        this.shadows = shadows;
        this.loader = loader;
        this.lifecycles = lifecycles;
        this.lifecycleOf = lifecycleOf;
        this.listener = listener;
    }

    private BundleLifecycle lifecycle(String name) {
        return lifecycleOf.apply(name);
    }

    /** The lock of one jar: one deployment, undeploy, stall or canary copy per jar at a time. */
    Object jarLock(Path jar) {
        return jarLocks.computeIfAbsent(jar, j -> new Object());
    }

    /** The content last handled per jar; the canary commands record what they copied. */
    Map<Path, String> handled() {
        return handled;
    }

    /** See {@link Deployer#deploy(Path)}. */
    boolean deploy(Path jar) {
        synchronized (jarLock(jar)) {
            long start = System.nanoTime();
            BundleDescriptor descriptor;
            try {
                descriptor = loader.stage(jar);
            } catch (DeploymentException e) {
                String name = BundleJars.nameFromFile(jar.getFileName().toString());
                try (BundleMdc.Scope mdc = BundleMdc.open(name, "")) {
                    lifecycle(name).failed(jar, e, null);
                }
                return false;
            }
            if (descriptor.sha256().equals(handled.get(jar))) {
                return false;
            }
            handled.put(jar, descriptor.sha256());
            try (BundleMdc.Scope mdc = BundleMdc.open(descriptor.name(), descriptor.version())) {
                listener.staged(descriptor);
                BundleJars.RolloutAsked asked;
                try {
                    asked = BundleJars.rollout(descriptor.staged());
                } catch (DeploymentException e) {
                    lifecycle(descriptor.name()).failed(jar, e, descriptor);
                    return false;
                }
                if (asked != null && asked.shadow() != null) {
                    shadow(jar, descriptor, asked.shadow());
                    return false;
                }
                return lifecycle(descriptor.name()).deploy(jar, descriptor, asked != null ? asked.canary() : null, start);
            }
        }
    }

    /**
     * A jar marked {@code Swivel-Rollout: shadow}: its content starts as the shadow of the
     * version serving, which keeps serving. After a restart, the version that served beside it
     * serves again, and the shadow starts again only if {@code state.json} says it ran (see
     * {@link ShadowCommands#restoreSaved}): one stopped before the restart stays stopped. With
     * nothing to shadow, the jar fails.
     */
    private void shadow(Path jar, BundleDescriptor descriptor, ShadowCommands.Settings settings) {
        BundleLifecycle lifecycle = lifecycle(descriptor.name());
        boolean afterRestart = lifecycle.active() == null;
        if (!lifecycle.holdsShadow(jar, descriptor) || afterRestart) {
            return;
        }
        try {
            shadows.start(descriptor.name(), descriptor.staged(), settings);
        } catch (ShadowException e) {
            lifecycle.failed(jar, new DeploymentException(e.reason() == ShadowException.Reason.START_FAILED
                    ? DeploymentException.Failure.START_FAILED : DeploymentException.Failure.BAD_JAR,
                    jar.getFileName() + " did not start as a shadow: " + e.getMessage(), e), descriptor);
        }
    }

    /** See {@link Deployer#undeploy(Path)}. */
    void undeploy(Path jar) {
        synchronized (jarLock(jar)) {
            handled.remove(jar);
            String undeployed = null;
            for (BundleLifecycle lifecycle : List.copyOf(lifecycles.values())) {
                if (jar.equals(lifecycle.jar())) {
                    BundleGeneration active = lifecycle.active();
                    try (BundleMdc.Scope mdc = BundleMdc.open(lifecycle.name(), active != null ? active.version() : "")) {
                        ShadowMirror shadow = lifecycle.undeploy(jar);
                        // out of the map before the slow end of its shadow: a deployment of the bundle now starts a new lifecycle
                        lifecycles.remove(lifecycle.name(), lifecycle);
                        if (shadow != null) {
                            lifecycle.endShadow(shadow, "undeployed", false);
                        }
                    }
                    undeployed = lifecycle.name();
                }
            }
            if (undeployed == null) {
                listener.undeployed(null, jar); // a jar that never served: its marker goes
            }
        }
    }

    /** See {@link Deployer#undeploy(String)}. */
    Optional<String> undeploy(String bundle) {
        BundleLifecycle lifecycle = lifecycles.get(bundle);
        BundleGeneration seen = lifecycle != null ? lifecycle.active() : null;
        if (seen == null) {
            return Optional.empty();
        }
        Path jar = seen.descriptor().source();
        synchronized (jarLock(jar)) {
            BundleGeneration active = lifecycle.active();
            if (active == null || !active.descriptor().source().equals(jar)) {
                return Optional.empty();
            }
            BundleFacts.JarContent holds = lifecycle.jarHolds();
            if (jar.equals(lifecycle.jar()) && holds != null && holds.failed() && Files.exists(jar)) {
                throw new UndeployRefusedException(jar.getFileName() + " holds " + holds.describe(bundle)
                        + ", which did not deploy (" + holds.failure() + "), while " + bundle + " "
                        + active.version() + " serves from an earlier copy; undeploying would delete the only copy"
                        + " of that jar. Fix or remove " + jar.getFileName() + " yourself (removing it undeploys "
                        + bundle + ")");
            }
            try {
                Files.deleteIfExists(jar);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + jar + " from the deploy directory: "
                        + e.getMessage(), e);
            }
            undeploy(jar);
            return Optional.of(active.name() + " " + active.version() + " undeployed; " + jar.getFileName()
                    + " removed from the deploy directory (a copy stays in " + active.descriptor().staged().getParent()
                    + ")");
        }
    }

    /** See {@link Deployer#stalled(Path, String)}. */
    void stalled(Path jar, String error) {
        String name = BundleJars.nameFromFile(jar.getFileName().toString());
        synchronized (jarLock(jar)) {
            lifecycle(name).failed(jar, new DeploymentException(DeploymentException.Failure.STALLED, error, null), null);
        }
    }
}
