package io.swivel.server.deploy;

import io.swivel.server.bundle.BundleGeneration;
import io.swivel.server.dispatch.ServiceConflictException;
import io.swivel.server.dispatch.ServiceDirectory;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys the jars of the deploy directory and records the outcome in marker files beside
 * each. A jar that fails is logged with its cause, marked {@code .failed}, and skipped; the
 * other bundles serve.
 */
public final class Deployer {

    private static final Logger log = LoggerFactory.getLogger(Deployer.class);

    private final Path deployDir;
    private final BundleLoader loader;
    private final ServiceDirectory directory;

    /**
     * Creates a deployer.
     *
     * @param deployDir the deploy directory
     * @param loader loads bundle jars
     * @param directory where loaded bundles serve
     */
    public Deployer(Path deployDir, BundleLoader loader, ServiceDirectory directory) {
        this.deployDir = deployDir;
        this.loader = loader;
        this.directory = directory;
    }

    /**
     * Whether a file in the deploy directory is a bundle jar to handle: {@code *.jar}, not a
     * dotfile, not a partial copy.
     *
     * @param file a file name
     * @return true for bundle jars
     */
    public static boolean isBundleJar(String file) {
        return file.endsWith(".jar") && !file.startsWith(".") && !file.endsWith(".tmp") && !file.endsWith(".part");
    }

    /**
     * Deploys every bundle jar present, in file-name order.
     *
     * @return the number of bundles serving afterwards
     * @throws IOException if the deploy directory cannot be read
     */
    public int deployAll() throws IOException {
        Files.createDirectories(deployDir);
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(deployDir)) {
            for (Path entry : entries) {
                if (isBundleJar(entry.getFileName().toString()) && Files.isRegularFile(entry)) {
                    jars.add(entry);
                }
            }
        }
        jars.sort(null);
        for (Path jar : jars) {
            deploy(jar);
        }
        return directory.slots().size();
    }

    /**
     * Deploys one jar of a bundle not yet serving.
     *
     * @param jar the jar
     * @return true if it serves now
     */
    public boolean deploy(Path jar) {
        BundleGeneration generation;
        try {
            generation = loader.load(jar);
        } catch (DeploymentException e) {
            reportFailure(jar, e);
            return false;
        }
        try {
            directory.install(generation);
        } catch (ServiceConflictException e) {
            loader.unload(generation, Duration.ZERO);
            reportFailure(jar, new DeploymentException(generation.name() + " " + generation.version() + ": "
                    + e.getMessage(), e));
            return false;
        }
        try {
            Markers.deployed(jar, generation.descriptor());
        } catch (IOException e) {
            log.warn("{} serves, but its marker cannot be written: {}", generation, e.toString());
        }
        log.info("{} {} active from {}", generation.name(), generation.version(), jar.getFileName());
        return true;
    }

    private void reportFailure(Path jar, DeploymentException error) {
        log.warn("{} not deployed: {}", jar.getFileName(), error.getMessage());
        if (error.getCause() != null) {
            log.debug("cause of the failed deployment of {}", jar.getFileName(), error);
        }
        try {
            Markers.failed(jar, error, "nothing from this jar");
        } catch (IOException e) {
            log.warn("cannot write the .failed marker of {}: {}", jar.getFileName(), e.toString());
        }
    }
}
