package io.swivel.bench.peer.swivel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Derives variants of the benchmark bundle: the same classes and nested libraries under another
 * {@code Swivel-Version}, so every replace loads a fresh version and {@code version()} tells
 * which one answered, or with other manifest attributes.
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
        return withAttributes(base, Map.of("Swivel-Version", version), out);
    }

    /**
     * Writes a copy of a bundle jar with some main attributes of its manifest set.
     *
     * @param base the bundle jar
     * @param attributes the attributes to set, such as {@code Swivel-Dispatch: direct}
     * @param out where to write
     * @return {@code out}
     * @throws IOException if a jar cannot be read or written
     */
    public static Path withAttributes(Path base, Map<String, String> attributes, Path out) throws IOException {
        return withAttributes(base, attributes, Map.of(), out);
    }

    /**
     * Writes a copy of a bundle jar with some main attributes of its manifest set and some
     * entries added.
     *
     * @param base the bundle jar
     * @param attributes the attributes to set
     * @param entries more entries, by name, such as a resource the bundle reads
     * @param out where to write
     * @return {@code out}
     * @throws IOException if a jar cannot be read or written
     */
    public static Path withAttributes(Path base, Map<String, String> attributes, Map<String, byte[]> entries, Path out)
            throws IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (JarInputStream in = new JarInputStream(Files.newInputStream(base))) {
            Manifest manifest = in.getManifest();
            if (manifest == null || manifest.getMainAttributes().getValue("Swivel-Bundle") == null) {
                throw new IOException(base + " is not a bundle jar: its manifest names no Swivel-Bundle");
            }
            Manifest copy = new Manifest(manifest);
            attributes.forEach((name, value) -> copy.getMainAttributes().put(new Attributes.Name(name), value));
            try (OutputStream file = Files.newOutputStream(out); JarOutputStream jar = new JarOutputStream(file, copy)) {
                for (JarEntry entry; (entry = in.getNextJarEntry()) != null; ) {
                    jar.putNextEntry(new JarEntry(entry.getName()));
                    copy(in, jar);
                    jar.closeEntry();
                }
                for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                    jar.putNextEntry(new JarEntry(entry.getKey()));
                    jar.write(entry.getValue());
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
