package io.swivel.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** {@code swivel serve --with-samples}: the sample greeter v1 bundle, found and copied into the deploy directory. */
final class SampleJar {

    /** The jar name the sample greeter is deployed as. */
    static final String NAME = "greeter.jar";

    private SampleJar() {
    }

    /**
     * Copies the sample into {@code deployDir} (atomically, so the watcher never sees half a
     * jar), unless a jar of its name is there already.
     *
     * @param deployDir the deploy directory
     * @param out where the line saying what happened goes
     * @throws IOException if the copy fails
     * @throws CliException if the sample is not built
     */
    static void copyInto(Path deployDir, PrintWriter out) throws IOException {
        Path target = deployDir.resolve(NAME);
        if (Files.exists(target)) {
            out.println("Sample: " + target + " already exists; left as it is");
            return;
        }
        Path sample = findSampleJar();
        Files.createDirectories(deployDir);
        Path temp = deployDir.resolve("." + NAME + ".tmp");
        Files.copy(sample, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        out.println("Sample: copied " + sample + " to " + target);
    }

    /** The sample jar: in a source checkout under samples/greeter-v1/target, in a distribution under samples/. */
    private static Path findSampleJar() throws IOException {
        Path home = Path.of(System.getProperty("swivel.home", "."));
        Path built = home.resolve("samples/greeter-v1/target");
        for (Path dir : new Path[] {built, home.resolve("samples")}) {
            if (Files.isDirectory(dir)) {
                try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "greeter-v1-*.jar")) {
                    for (Path jar : jars) {
                        String name = jar.getFileName().toString();
                        if (!name.endsWith("-sources.jar") && !name.endsWith("-tests.jar")) {
                            return jar;
                        }
                    }
                }
            }
        }
        throw new CliException("the sample bundle is not built: no greeter-v1 jar in " + built.toAbsolutePath().normalize()
                + "; run 'mvn -DskipTests package' in the Swivel checkout (./swivel does it on first use)");
    }
}
