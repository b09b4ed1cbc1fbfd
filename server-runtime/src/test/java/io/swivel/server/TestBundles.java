package io.swivel.server;

import io.swivel.server.config.Announce;
import io.swivel.server.config.ServerConfig;
import io.swivel.testing.SampleBundles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/** The sample bundle jars built by Maven, and servers started on them with ephemeral ports. */
final class TestBundles {

    static final String GREETER = "io.swivel.samples.greeter.Greeter";

    private TestBundles() {
    }

    /**
     * A sample bundle jar built by the samples modules.
     *
     * @param artifact greeter-v1, greeter-v2 or greeter-broken
     * @return the jar
     */
    static Path jar(String artifact) {
        return SampleBundles.jar(artifact);
    }

    /** Copies a sample jar into a deploy directory under a given file name. */
    static Path deploy(String artifact, Path deployDir, String fileName) {
        try {
            Files.createDirectories(deployDir);
            return Files.copy(jar(artifact), deployDir.resolve(fileName), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A configuration on ephemeral loopback ports under a temporary directory, registering nowhere,
     * with no warm-up (tests that are not about it see servers take their full share at once).
     */
    static ServerConfig config(Path root) {
        return ServerConfig.defaults()
                .withDeployDir(root.resolve("deploy"))
                .withDataDir(root.resolve("data"))
                .withPorts(0, 0)
                .withStepTimeout(Duration.ofSeconds(5))
                .with(c -> {
                    c.zookeeper = ServerConfig.NO_ZOOKEEPER;
                    c.announce = new Announce(null, 0, Announce.DEFAULT_WEIGHT, Duration.ZERO, null);
                });
    }
}
