package io.swivel.bench.peer.swivel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Derives versions of the benchmark bundle: the same classes and nested libraries under another
 * {@code Swivel-Version}, so every replace loads a fresh version and {@code version()} tells
 * which one answered.
 */
public final class BundleJars {

    private BundleJars() {
    }

    /**
     * Writes a copy of a bundle jar with another version in its manifest.
     *
     * @param base the bundle jar
     * @param version the new {@code Swivel-Version}
     * @param out where to write
     * @return {@code out}
     * @throws IOException if a jar cannot be read or written
     */
    public static Path withVersion(Path base, String version, Path out) throws IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (JarInputStream in = new JarInputStream(Files.newInputStream(base))) {
            Manifest manifest = in.getManifest();
            if (manifest == null || manifest.getMainAttributes().getValue("Swivel-Bundle") == null) {
                throw new IOException(base + " is not a bundle jar: its manifest names no Swivel-Bundle");
            }
            Manifest copy = new Manifest(manifest);
            copy.getMainAttributes().put(new Attributes.Name("Swivel-Version"), version);
            try (OutputStream file = Files.newOutputStream(out); JarOutputStream jar = new JarOutputStream(file, copy)) {
                for (JarEntry entry; (entry = in.getNextJarEntry()) != null; ) {
                    jar.putNextEntry(new JarEntry(entry.getName()));
                    copy(in, jar);
                    jar.closeEntry();
                }
            }
        }
        return out;
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        in.transferTo(out);
    }
}
