package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleGeneration;
import java.nio.file.Path;

/**
 * A bundle as the marker beside its jar and {@code state.json} describe it, read under the
 * lifecycle's lock.
 *
 * @param name the bundle name
 * @param jar the jar in the deploy directory
 * @param jarHolds what that jar holds now (which may be a version that failed)
 * @param active the version serving, or null
 * @param rolledBack set when the version serving is not the jar's content because of a rollback
 * @param history the versions kept
 * @param canary the canary beside the version serving, or null
 * @param rollout the canary's plan and progress, or null
 */
record BundleFacts(String name, Path jar, JarContent jarHolds, BundleGeneration active, Rollback rolledBack,
                   History history, BundleGeneration canary, Rollout rollout) {

    /**
     * What a jar in the deploy directory holds, as its last handling found it.
     *
     * @param version the version, or null if the jar did not read
     * @param sha256 the content hash, or null if the jar did not read
     * @param failure why it did not deploy, or null if it deployed
     */
    record JarContent(String version, String sha256, String failure) {

        boolean failed() {
            return failure != null;
        }

        String describe(String bundle) {
            if (version != null) {
                return bundle + " " + version + " (sha256 " + sha256 + ")";
            }
            return sha256 != null ? "content with sha256 " + sha256 : "content that does not read as a bundle";
        }
    }
}
