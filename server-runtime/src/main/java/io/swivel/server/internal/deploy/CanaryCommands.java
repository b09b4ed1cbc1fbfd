package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleDescriptor;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.logging.BundleMdc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@link Deployer}'s canary commands: start a canary from a jar on this machine (copied
 * over the bundle's jar in the deploy directory under the per-jar lock, then started beside the
 * version serving), and promote, abort, pause or resume one.
 */
final class CanaryCommands {

    private final Map<String, BundleLifecycle> lifecycles;
    private final Function<Path, Object> jarLock;
    private final BundleLoader loader;
    private final Map<Path, String> handled;
    private final LifecycleListener listener;
    private final Supplier<List<String>> servingNames;

    CanaryCommands(Map<String, BundleLifecycle> lifecycles, Function<Path, Object> jarLock, BundleLoader loader,
                   Map<Path, String> handled, LifecycleListener listener, Supplier<List<String>> servingNames) {
        this.lifecycles = lifecycles;
        this.jarLock = jarLock;
        this.loader = loader;
        this.handled = handled;
        this.listener = listener;
        this.servingNames = servingNames;
    }

    /** See {@link Deployer#canary}. */
    String start(String bundle, Path source, CanaryPlan plan) throws CanaryException {
        BundleLifecycle lifecycle = lifecycles.get(bundle);
        BundleGeneration active = lifecycle != null ? lifecycle.active() : null;
        if (active == null || lifecycle.jar() == null) {
            throw new CanaryException(CanaryException.Reason.UNKNOWN_BUNDLE, "no bundle " + bundle
                    + " serves here, so there is nothing to run a canary beside; bundles: " + servingNames.get());
        }
        Path jar = lifecycle.jar();
        synchronized (jarLock.apply(jar)) {
            long start = System.nanoTime();
            if (!Files.isRegularFile(source)) {
                throw new CanaryException(CanaryException.Reason.BAD_JAR, source + " is not a file on the server");
            }
            BundleDescriptor staged;
            try {
                staged = loader.stage(source);
            } catch (DeploymentException e) {
                throw new CanaryException(CanaryException.Reason.BAD_JAR, source.getFileName() + ": " + e.getMessage());
            }
            if (!staged.name().equals(bundle)) {
                throw new CanaryException(CanaryException.Reason.BAD_JAR, source.getFileName() + " holds bundle "
                        + staged.name() + ", not " + bundle);
            }
            if (staged.sha256().equals(active.descriptor().sha256())) {
                throw new CanaryException(CanaryException.Reason.BAD_JAR, source.getFileName() + " holds " + bundle
                        + " " + active.version() + ", which serves already");
            }
            Path beside = jar.resolveSibling("." + jar.getFileName() + ".canary.tmp");
            try {
                Files.copy(source, beside, StandardCopyOption.REPLACE_EXISTING);
                Files.move(beside, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new CanaryException(CanaryException.Reason.BAD_JAR, "cannot copy " + source + " to " + jar + ": " + e);
            }
            handled.put(jar, staged.sha256());
            BundleDescriptor descriptor = new BundleDescriptor(staged.name(), staged.version(), staged.sha256(), jar,
                    staged.staged(), staged.activatorClass(), staged.direct());
            try (BundleMdc.Scope mdc = BundleMdc.open(descriptor.name(), descriptor.version())) {
                listener.staged(descriptor);
                if (!lifecycle.deploy(jar, descriptor, plan, start) || lifecycle.canary() == null) {
                    String error = lifecycle.lastError();
                    throw new CanaryException(CanaryException.Reason.START_FAILED, bundle + " " + descriptor.version()
                            + " did not start as a canary" + (error != null ? ": " + error : ""));
                }
                return bundle + " canary " + descriptor.version() + " at " + lifecycle.rollout().describe() + " beside "
                        + active.version() + " (" + plan.describe() + "); " + jar.getFileName() + " now holds it";
            }
        }
    }

    /** See {@link Deployer#canaryAction}. */
    String act(String bundle, Canaries.Action action, String by) throws CanaryException {
        BundleLifecycle lifecycle = lifecycles.get(bundle);
        BundleGeneration active = lifecycle != null ? lifecycle.active() : null;
        if (active == null) {
            throw new CanaryException(CanaryException.Reason.UNKNOWN_BUNDLE, "no bundle " + bundle
                    + " serves here; bundles: " + servingNames.get());
        }
        try (BundleMdc.Scope mdc = BundleMdc.open(active.name(), active.version())) {
            return switch (action) {
                case PROMOTE -> lifecycle.promoteCanary(by);
                case ABORT -> lifecycle.abortCanary(by, "aborted by " + by);
                case PAUSE -> lifecycle.pauseCanary(true);
                case RESUME -> lifecycle.pauseCanary(false);
            };
        }
    }
}
