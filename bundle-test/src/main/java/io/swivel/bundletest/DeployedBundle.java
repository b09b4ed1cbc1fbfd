package io.swivel.bundletest;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A bundle jar that a {@link SwivelTestServer} deployed and now serves, as its {@code .deployed} marker names it.
 *
 * @param name the bundle's name ({@code Swivel-Bundle})
 * @param version the bundle's version ({@code Swivel-Version})
 * @param sha256 the hex SHA-256 of the jar's content
 * @param jar the jar in the server's deploy directory
 */
public record DeployedBundle(String name, String version, String sha256, Path jar) {

    /**
     * Checks the values.
     *
     * @param name the bundle's name
     * @param version the bundle's version
     * @param sha256 the content hash
     * @param jar the deployed jar
     */
    public DeployedBundle {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(jar, "jar");
    }
}
