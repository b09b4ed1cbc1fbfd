package io.swivel.server.internal.bundle;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Who a bundle jar says it is.
 *
 * @param name the bundle name ({@code Swivel-Bundle}, or the file name minus a version suffix)
 * @param version the version ({@code Swivel-Version}, or a SHA-256 prefix of the content)
 * @param sha256 the hex SHA-256 of the jar's content
 * @param source the jar in the deploy directory
 * @param staged the copy the bundle is loaded from, which nobody else writes
 * @param activatorClass the {@code Swivel-Activator} attribute, or null
 * @param direct {@code Swivel-Dispatch: direct}: the author promises that no service method
 *     blocks, so calls run on the I/O thread that read them instead of being handed to the
 *     version's worker pool
 */
public record BundleDescriptor(String name, String version, String sha256, Path source, Path staged,
                               String activatorClass, boolean direct) {

    /**
     * Creates a descriptor.
     *
     * @param name the bundle name
     * @param version the version
     * @param sha256 the content hash
     * @param source the deployed jar
     * @param staged the loaded copy
     * @param activatorClass the activator class name, or null
     * @param direct whether calls run on the I/O thread
     */
    public BundleDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(staged, "staged");
    }
}
