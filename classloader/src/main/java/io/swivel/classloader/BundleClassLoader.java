package io.swivel.classloader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The classloader of one bundle version: child-first for the bundle's own classes and the
 * jars nested under {@code lib/}, and behind them only the JDK plus the packages the server
 * shares with every bundle ({@code io.swivel.api} and {@code org.slf4j}).
 *
 * <p>Nothing else of the server is visible: a bundle that asks for {@code io.netty.*},
 * {@code com.esotericsoftware.*} or {@code io.swivel.server.*} gets a
 * {@link ClassNotFoundException} unless it carries its own copy. Two bundles may therefore
 * ship conflicting versions of one library.
 *
 * <p>Nested jars are extracted into a private work directory, which {@link #close()}
 * deletes after releasing every jar file.
 */
public final class BundleClassLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    /** Packages the server shares with bundles; loaded parent-first from the server. */
    private static final List<String> SHARED_PREFIXES = List.of("io.swivel.api.", "org.slf4j.");

    private final ClassLoader sharedLoader;
    private final Path workDir;
    private final Path jar;

    private BundleClassLoader(String name, URL[] urls, ClassLoader sharedLoader, Path workDir, Path jar) {
        super(name, urls, ClassLoader.getPlatformClassLoader());
        this.sharedLoader = sharedLoader;
        this.workDir = workDir;
        this.jar = jar;
    }

    /**
     * Opens a bundle jar.
     *
     * @param name a name for diagnostics, such as {@code greeter@1.0.0}
     * @param jar the bundle jar; it must not change while the loader is open
     * @param sharedLoader the loader that provides {@code io.swivel.api} and {@code org.slf4j}
     * @param workParent a directory under which the nested jars are extracted
     * @return the loader
     * @throws IOException if the jar cannot be read or its nested jars cannot be extracted
     */
    public static BundleClassLoader open(String name, Path jar, ClassLoader sharedLoader, Path workParent)
            throws IOException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jar, "jar");
        Objects.requireNonNull(sharedLoader, "sharedLoader");
        Files.createDirectories(workParent);
        Path workDir = Files.createTempDirectory(workParent, safeFileName(name) + "-");
        try {
            List<URL> urls = new ArrayList<>();
            urls.add(jar.toUri().toURL());
            try (JarFile jarFile = new JarFile(jar.toFile())) {
                for (JarEntry entry : Collections.list(jarFile.entries())) {
                    String entryName = entry.getName();
                    if (entry.isDirectory() || !entryName.startsWith("lib/") || !entryName.endsWith(".jar")) {
                        continue;
                    }
                    String fileName = entryName.substring("lib/".length());
                    if (fileName.isEmpty() || fileName.contains("/") || fileName.contains("..")) {
                        continue;
                    }
                    Path target = workDir.resolve(fileName);
                    try (InputStream in = jarFile.getInputStream(entry)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                    urls.add(target.toUri().toURL());
                }
            }
            return new BundleClassLoader(name, urls.toArray(URL[]::new), sharedLoader, workDir, jar);
        } catch (IOException | RuntimeException e) {
            deleteRecursively(workDir, e);
            throw e;
        }
    }

    /**
     * The jar this loader reads.
     *
     * @return the bundle jar
     */
    public Path jar() {
        return jar;
    }

    @Override
    protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(className)) {
            Class<?> type = findLoadedClass(className);
            if (type == null) {
                if (isShared(className)) {
                    type = sharedLoader.loadClass(className);
                } else if (className.startsWith("java.")) {
                    type = getParent().loadClass(className);
                } else {
                    try {
                        type = findClass(className);
                    } catch (ClassNotFoundException notInBundle) {
                        // The JDK's other packages (javax.*, jdk.*, ...) come from the platform loader.
                        type = getParent().loadClass(className);
                    }
                }
            }
            if (resolve) {
                resolveClass(type);
            }
            return type;
        }
    }

    @Override
    public URL getResource(String resourceName) {
        if (isSharedResource(resourceName)) {
            return sharedLoader.getResource(resourceName);
        }
        URL url = findResource(resourceName);
        return url != null ? url : getParent().getResource(resourceName);
    }

    @Override
    public Enumeration<URL> getResources(String resourceName) throws IOException {
        if (isSharedResource(resourceName)) {
            return sharedLoader.getResources(resourceName);
        }
        List<URL> urls = new ArrayList<>(Collections.list(findResources(resourceName)));
        urls.addAll(Collections.list(getParent().getResources(resourceName)));
        return Collections.enumeration(urls);
    }

    /**
     * Releases every jar file and deletes the extracted nested jars. Idempotent.
     *
     * @throws IOException if a jar file cannot be closed
     */
    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            deleteRecursively(workDir, null);
        }
    }

    private static boolean isShared(String className) {
        for (String prefix : SHARED_PREFIXES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSharedResource(String resourceName) {
        return isShared(resourceName.replace('/', '.'));
    }

    private static String safeFileName(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static void deleteRecursively(Path dir, Exception primary) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Collections.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            if (primary != null) {
                primary.addSuppressed(e);
            } else {
                throw new UncheckedIOException("cannot delete bundle work directory " + dir, 
                        e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
            }
        }
    }
}
