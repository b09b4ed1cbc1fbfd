package io.swivel.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** The benchmark bundle jar Maven copied for the tests. */
public final class BenchBundles {

    private BenchBundles() {
    }

    /** @return the benchmark bundle jar (bench-users 1.0.0) */
    public static Path v1() {
        String dir = System.getProperty("swivel.bench.bundles");
        if (dir == null) {
            throw new IllegalStateException("swivel.bench.bundles is not set; run the tests with Maven");
        }
        Path jar = Path.of(dir, "swivel-benchmarks-user-bundle.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; run mvn verify from the repository root");
        }
        return jar;
    }
}
