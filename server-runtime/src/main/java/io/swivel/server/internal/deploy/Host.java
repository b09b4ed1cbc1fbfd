package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleDescriptor;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.dispatch.ServiceConflictException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a {@link BundleLifecycle} needs of the server around it: building versions, the
 * directory calls are routed by, the history files. The deployer wires the real ones; the
 * lifecycle's unit tests use in-memory ones.
 */
interface Host {

    /** Loads, starts and health-checks a staged version; it comes back {@code STARTING}. */
    BundleGeneration load(BundleDescriptor descriptor) throws DeploymentException;

    /**
     * {@link #load}s the version staged from the jar {@code from}, or tells {@code bundle} it did not.
     *
     * @return the version, {@code STARTING}, or null if it failed (the bundle has been told why)
     */
    default BundleGeneration loadOrFail(Path from, BundleDescriptor descriptor, CanaryControl.Bundle bundle) {
        try {
            return load(descriptor);
        } catch (DeploymentException e) {
            bundle.failed(from, e, descriptor);
            return null;
        }
    }

    /** Describes the copy of a history entry, to load it again. */
    BundleDescriptor fromHistory(String bundle, HistoryEntry entry, Path jar) throws DeploymentException;

    /** Reads a version's configuration as it would start with now. */
    Map<String, String> readConfig(BundleDescriptor descriptor) throws DeploymentException;

    /** Makes a version serve (one switch); returns the one it replaced, or null. */
    BundleGeneration activate(BundleGeneration generation) throws ServiceConflictException;

    /** Sets or ends (null) a bundle's canary split: a second active version and its weight. */
    void split(String bundle, io.swivel.server.internal.dispatch.CanarySplit split);

    /**
     * Sets or ends (null) a bundle's shadow, which takes copies of its calls.
     */
    default void mirror(String bundle, io.swivel.server.internal.dispatch.CallMirror mirror) {
        throw new UnsupportedOperationException("this host runs no shadow");
    }

    /** Stops routing calls to a bundle. */
    void remove(String bundle);

    /** Deletes a file of a bundle's history directory (a pruned version, a staged copy that never served). */
    void deleteFromHistory(String bundle, String file);
}
