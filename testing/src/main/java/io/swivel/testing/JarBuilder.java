package io.swivel.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Builds a real jar file inside a test: manifest attributes, class directories, any entries. */
public final class JarBuilder {

    private final Manifest manifest = new Manifest();
    private final Map<String, byte[]> entries = new LinkedHashMap<>();

    /** Creates a builder with an empty manifest. */
    public JarBuilder() {
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    }

    /**
     * Sets a main manifest attribute.
     *
     * @param name the attribute name
     * @param value its value
     * @return this builder
     */
    public JarBuilder attribute(String name, String value) {
        manifest.getMainAttributes().putValue(name, value);
        return this;
    }

    /**
     * Sets {@code Swivel-Bundle} and {@code Swivel-Version}.
     *
     * @param name the bundle name
     * @param version the version
     * @return this builder
     */
    public JarBuilder bundle(String name, String version) {
        return attribute("Swivel-Bundle", name).attribute("Swivel-Version", version);
    }

    /**
     * Adds every file under a directory, with paths relative to it.
     *
     * @param dir a directory such as compiled classes
     * @return this builder
     */
    public JarBuilder addTree(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                entries.put(dir.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * Adds one entry.
     *
     * @param name the entry name, e.g. {@code lib/util.jar}
     * @param content its bytes
     * @return this builder
     */
    public JarBuilder add(String name, byte[] content) {
        entries.put(name, content);
        return this;
    }

    /**
     * Adds a file as an entry.
     *
     * @param name the entry name
     * @param file the file
     * @return this builder
     */
    public JarBuilder add(String name, Path file) {
        try {
            return add(name, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the jar.
     *
     * @param jar the file to write (parent directories are created)
     * @return {@code jar}
     */
    public Path write(Path jar) {
        try {
            Files.createDirectories(jar.toAbsolutePath().getParent());
            try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                    out.putNextEntry(new JarEntry(entry.getKey()));
                    out.write(entry.getValue());
                    out.closeEntry();
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Names the entries, for assertions.
     *
     * @return entry names in insertion order
     */
    public List<String> entryNames() {
        return List.copyOf(entries.keySet());
    }
}
