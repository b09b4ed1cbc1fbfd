package io.swivel.systest;

import io.swivel.systest.api.Rogue;
import io.swivel.testing.JarBuilder;
import io.swivel.testing.JavaSources;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;

/** The jars of the bundle-attack tests: a {@link Rogue} bundle, a zip bomb, a manifest of megabytes. */
final class AttackBundles {

    private AttackBundles() {
    }

    /**
     * A {@link Rogue} bundle (pool dispatch).
     *
     * @param work scratch directory
     * @param name its bundle name
     * @param version its version
     * @return the jar
     */
    static Path rogue(Path work, String name, String version) {
        String pkg = "io.swivel.systest.rogue";
        String service = """
                package %s;

                import io.swivel.api.RpcService;
                import io.swivel.systest.api.Rogue;

                @RpcService(Rogue.class)
                public class RogueService implements Rogue {
                    public String exit(int status) {
                        System.exit(status);
                        return "the JVM did not stop";
                    }

                    public String halt(int status) {
                        Runtime.getRuntime().halt(status);
                        return "the JVM did not stop";
                    }

                    public String startThread(String name) {
                        Thread thread = new Thread(() -> {
                            while (true) { // deaf to interrupts: clears the flag and parks again
                                java.util.concurrent.locks.LockSupport.park();
                                Thread.interrupted();
                            }
                        }, name);
                        thread.setDaemon(true);
                        thread.start();
                        return name;
                    }
                }
                """.formatted(pkg);
        Path classes = JavaSources.compile(work.resolve("classes-" + name + "-" + version),
                Map.of(pkg + ".RogueService", service), List.of());
        return new JarBuilder().bundle(name, version).addTree(classes)
                .add(Rogue.class.getName().replace('.', '/') + ".class", classPath(Rogue.class))
                .write(work.resolve(name + "-" + version + ".jar"));
    }

    /**
     * A small jar whose one nested {@code lib/} jar inflates to {@code inflated} bytes of zeros.
     *
     * @param work scratch directory
     * @param inflated how large the nested jar is once inflated
     * @return the jar (about a thousandth of {@code inflated})
     */
    static Path zipBomb(Path work, long inflated) {
        Path jar = work.resolve("bomb.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Swivel-Bundle", "bomb");
        manifest.getMainAttributes().putValue("Swivel-Version", "1.0.0");
        try {
            Files.createDirectories(work);
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
                out.setLevel(Deflater.BEST_COMPRESSION);
                out.putNextEntry(new ZipEntry("lib/bomb.jar"));
                byte[] zeros = new byte[1024 * 1024];
                for (long left = inflated; left > 0; left -= zeros.length) {
                    out.write(zeros, 0, (int) Math.min(zeros.length, left));
                }
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    /**
     * A jar whose {@code Swivel-Bundle} manifest value is {@code chars} characters long.
     *
     * @param work scratch directory
     * @param chars the value's length
     * @return the jar
     */
    static Path hugeManifestValue(Path work, int chars) {
        Path jar = work.resolve("huge-manifest.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Swivel-Bundle", "x".repeat(chars));
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    private static Path classPath(Class<?> type) {
        try {
            return Path.of(type.getResource(type.getSimpleName() + ".class").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
