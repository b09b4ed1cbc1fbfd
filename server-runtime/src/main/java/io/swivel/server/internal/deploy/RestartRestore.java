package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleDescriptor;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.dispatch.ServiceConflictException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a restart, a jar whose content was rolled back serves the version it was rolled back
 * to, from history, until the jar's content changes: whether that applies, and the loading.
 * So does a jar marked {@code Swivel-Rollout: shadow}: the version that served beside it
 * serves again. A version is made to serve only under the {@link BundleLifecycle}'s monitor: its
 * synchronized {@code deploy} and {@code holdsShadow} call in (the canary's restart through
 * {@link CanaryControl}).
 */
final class RestartRestore {

    private static final Logger log = LoggerFactory.getLogger(Deployer.class);

    private RestartRestore() {
    }

    /**
     * After a restart, with nothing of the bundle serving and the jar {@code from} still holding
     * the content a rollback remembered in {@code state.json} replaced: the version rolled back
     * to serves again, from history. Called under the lifecycle's monitor (its synchronized
     * {@code deploy}), which records the jar's content and tells the listener.
     *
     * @param bundle the bundle as the lifecycle keeps it
     * @param savedActiveSha256 what served before the restart, or null
     * @return the version serving now, or null to deploy the jar as it is
     */
    static BundleGeneration rolledBack(BundleFacts bundle, String savedActiveSha256, Path from,
                                       BundleDescriptor descriptor, Host host, Retirer retirer, LoadedVersions versions) {
        if (bundle.active() != null || !from.equals(bundle.jar())
                || !applies(savedActiveSha256, bundle.rolledBack(), bundle.jarHolds(), descriptor)) {
            return null;
        }
        return load(bundle.name(), host, retirer, versions, bundle.history(), savedActiveSha256, from);
    }

    /** Whether the jar still holds the content a rollback remembered in {@code state.json} replaced. */
    private static boolean applies(String savedActiveSha256, Rollback rollback, BundleFacts.JarContent jarHolds,
                                   BundleDescriptor descriptor) {
        return savedActiveSha256 != null && rollback != null && jarHolds != null
                && descriptor.sha256().equals(jarHolds.sha256()) && !savedActiveSha256.equals(descriptor.sha256());
    }

    /**
     * Loads the version that served before the restart and makes it the one {@code versions} serves.
     *
     * @return the version serving, or null (said why in the log) to deploy the jar as it is
     */
    static BundleGeneration load(String bundle, Host host, Retirer retirer, LoadedVersions versions, History history,
                                 String savedActiveSha256, Path jar) {
        Optional<HistoryEntry> entry = history.bySha256(savedActiveSha256);
        if (entry.isEmpty()) {
            log.warn("{}: the version rolled back to before the restart is not in history; deploying {} as it is",
                    bundle, jar.getFileName());
            return null;
        }
        BundleGeneration generation;
        try {
            generation = host.load(host.fromHistory(bundle, entry.get(), jar));
        } catch (DeploymentException e) {
            log.warn("{}: cannot restore {} from history; deploying {} as it is", bundle, entry.get().version(),
                    jar.getFileName(), e);
            return null;
        }
        try {
            generation.activate();
            host.activate(generation);
        } catch (ServiceConflictException e) {
            generation.fail();
            retirer.discard(generation);
            log.warn("{}: cannot restore {}; deploying {} as it is", bundle, entry.get().version(), jar.getFileName(), e);
            return null;
        }
        versions.serving(generation);
        return generation;
    }

    /**
     * A jar marked {@code Swivel-Rollout: shadow} and nothing of its bundle serving: after a
     * restart, the version that served beside it serves again (its shadow starts once the
     * start-up deployments are done), so the jar's content never becomes the active version.
     *
     * @param savedActiveSha256 what served before the restart, or null
     * @return the version serving, or null if there is none to restore
     */
    static BundleGeneration toShadow(String bundle, Host host, Retirer retirer, LoadedVersions versions, History history,
                                     String savedActiveSha256, Path jar, BundleDescriptor descriptor) {
        return savedActiveSha256 == null || savedActiveSha256.equals(descriptor.sha256()) ? null
                : load(bundle, host, retirer, versions, history, savedActiveSha256, jar);
    }

    /** Why a jar marked {@code Swivel-Rollout: shadow} does not deploy when nothing serves. */
    static DeploymentException nothingToShadow(String bundle, Path jar, BundleDescriptor descriptor) {
        return new DeploymentException(DeploymentException.Failure.BAD_JAR, jar.getFileName() + " holds " + bundle + " "
                + descriptor.version() + " marked " + CanaryPlan.MANIFEST_ATTRIBUTE + ": shadow, but no version of "
                + bundle + " serves here to shadow; without that attribute it would deploy", null);
    }
}
