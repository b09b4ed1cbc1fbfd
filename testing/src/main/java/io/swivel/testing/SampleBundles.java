package io.swivel.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sample bundle jars the build copies for a test module (Maven sets the system property
 * {@code swivel.test.bundles} to their directory).
 */
public final class SampleBundles {

    private SampleBundles() {
    }

    /**
     * A sample bundle jar built by the samples modules.
     *
     * @param artifact greeter-v1, greeter-v2 or greeter-broken
     * @return the jar
     * @throws IllegalStateException if the tests do not run under Maven or the jar is missing
     */
    public static Path jar(String artifact) {
        String dir = System.getProperty("swivel.test.bundles");
        if (dir == null) {
            throw new IllegalStateException("swivel.test.bundles is not set; run the tests with Maven");
        }
        Path jar = Path.of(dir, artifact + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; run mvn verify from the repository root");
        }
        return jar;
    }
}
