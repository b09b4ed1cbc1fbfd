package io.swivel.classloader;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.CodeSigner;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipException;

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
 * <p>Nested jars are extracted into a private work directory, bounded in total size and
 * compression ratio, which {@link #close()} deletes after releasing every jar file. Classes
 * are defined with their calls to {@code System.exit}, {@code Runtime.exit} and
 * {@code Runtime.halt} rewritten to throw: a bundle cannot stop the JVM it shares.
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
    /** The bundle jar and the extracted nested jars, in search order; classes are read from these. */
    private final List<JarFile> classJars;
    private final List<URL> classJarUrls;
    private final Map<URL, ProtectionDomain> domains = new ConcurrentHashMap<>();

    private BundleClassLoader(String name, URL[] urls, ClassLoader sharedLoader, Path workDir, Path jar,
                              List<JarFile> classJars, List<URL> classJarUrls) {
        super(name, urls, ClassLoader.getPlatformClassLoader());
        this.sharedLoader = sharedLoader;
        this.workDir = workDir;
        this.jar = jar;
        this.classJars = List.copyOf(classJars);
        this.classJarUrls = List.copyOf(classJarUrls);
    }

    /** The default of {@link #open(String, Path, ClassLoader, Path, long, int)}'s {@code maxLibBytes}: 512 MiB. */
    public static final long DEFAULT_MAX_LIB_BYTES = 512L * 1024 * 1024;
    /** The default of {@link #open(String, Path, ClassLoader, Path, long, int)}'s {@code maxLibRatio}: 100:1. */
    public static final int DEFAULT_MAX_LIB_RATIO = 100;
    /** The largest class file read (a real one is far smaller); beyond it the class is not found. */
    private static final int MAX_CLASS_BYTES = 16 * 1024 * 1024;
    /** The most nested jars one bundle may carry: each one stays open (a file descriptor) while it is loaded. */
    static final int MAX_LIBS = 1024;

    /**
     * Opens a bundle jar with the default extraction limits.
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
        return open(name, jar, sharedLoader, workParent, DEFAULT_MAX_LIB_BYTES, DEFAULT_MAX_LIB_RATIO);
    }

    /**
     * Opens a bundle jar. Its nested {@code lib/*.jar} are extracted into a new private
     * directory, each into a file created new, counting the bytes as they inflate (the sizes
     * in the zip headers are not trusted).
     *
     * @param name a name for diagnostics, such as {@code greeter@1.0.0}
     * @param jar the bundle jar; it must not change while the loader is open
     * @param sharedLoader the loader that provides {@code io.swivel.api} and {@code org.slf4j}
     * @param workParent a directory under which the nested jars are extracted
     * @param maxLibBytes the most bytes all nested jars together may inflate to
     * @param maxLibRatio the largest ratio of inflated to stored bytes of one nested jar
     * @return the loader
     * @throws LibLimitException if a nested jar passes a limit (nothing is left on disk)
     * @throws IOException if the jar cannot be read or its nested jars cannot be extracted
     */
    public static BundleClassLoader open(String name, Path jar, ClassLoader sharedLoader, Path workParent,
                                         long maxLibBytes, int maxLibRatio) throws IOException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jar, "jar");
        Objects.requireNonNull(sharedLoader, "sharedLoader");
        if (maxLibBytes < 1) {
            throw new IllegalArgumentException("maxLibBytes: " + maxLibBytes + " (expected: > 0)");
        }
        if (maxLibRatio < 1) {
            throw new IllegalArgumentException("maxLibRatio: " + maxLibRatio + " (expected: > 0)");
        }
        Files.createDirectories(workParent);
        Path workDir = Files.createTempDirectory(workParent, safeFileName(name) + "-");
        List<JarFile> opened = new ArrayList<>();
        try {
            List<URL> urls = new ArrayList<>();
            List<Path> paths = new ArrayList<>();
            urls.add(jar.toUri().toURL());
            paths.add(jar);
            long jarSize = Files.size(jar);
            long[] total = new long[1];
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
                    if (paths.size() > MAX_LIBS) {
                        throw new IOException(jar.getFileName() + " carries more than " + MAX_LIBS
                                + " nested lib/*.jar; merge some of them");
                    }
                    Path target = workDir.resolve(fileName);
                    // the stored size read by the inflater is bounded by the jar's own size
                    long stored = Math.max(1, Math.min(jarSize, entry.getCompressedSize() < 0 ? jarSize
                            : entry.getCompressedSize()));
                    try (InputStream in = jarFile.getInputStream(entry);
                         OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                                 StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                        copyCounted(in, out, entryName, stored, total, maxLibBytes, maxLibRatio);
                    }
                    urls.add(target.toUri().toURL());
                    paths.add(target);
                }
            }
            List<URL> classUrls = new ArrayList<>();
            for (int i = 0; i < paths.size(); i++) {
                try {
                    opened.add(new JarFile(paths.get(i).toFile()));
                    classUrls.add(urls.get(i));
                } catch (ZipException notAZip) {
                    if (i == 0) {
                        throw notAZip;
                    }
                    // a lib/*.jar that is no zip holds no classes (URLClassLoader passes over it too)
                }
            }
            return new BundleClassLoader(name, urls.toArray(URL[]::new), sharedLoader, workDir, jar, opened, classUrls);
        } catch (IOException | RuntimeException e) {
            for (JarFile file : opened) {
                closeQuietly(file, e);
            }
            deleteRecursively(workDir, e);
            throw e;
        }
    }

    private static void copyCounted(InputStream in, OutputStream out, String entryName, long stored, long[] total,
                                    long maxLibBytes, int maxLibRatio) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long inflated = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            inflated += n;
            total[0] += n;
            if (total[0] > maxLibBytes) {
                throw new LibLimitException(entryName, total[0], stored, LibLimitException.Limit.TOTAL_BYTES,
                        maxLibBytes);
            }
            if (inflated > stored * maxLibRatio && inflated > buffer.length) {
                throw new LibLimitException(entryName, inflated, stored, LibLimitException.Limit.RATIO, maxLibRatio);
            }
            out.write(buffer, 0, n);
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

    /**
     * Defines a class of the bundle or of its nested jars, with its calls to
     * {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} rewritten to throw
     * {@code io.swivel.api.ExitRefusedException} (see {@link ExitCallRewriter}).
     */
    @Override
    protected Class<?> findClass(String className) throws ClassNotFoundException {
        String path = className.replace('.', '/') + ".class";
        for (int i = 0; i < classJars.size(); i++) {
            JarFile file = classJars.get(i);
            JarEntry entry;
            try {
                entry = file.getJarEntry(path);
            } catch (IllegalStateException closed) {
                throw new ClassNotFoundException(className + " (" + getName() + " is closed)", closed);
            }
            if (entry == null) {
                continue;
            }
            URL source = classJarUrls.get(i);
            byte[] bytes;
            try (InputStream in = file.getInputStream(entry)) {
                bytes = in.readNBytes(MAX_CLASS_BYTES + 1);
                if (bytes.length > MAX_CLASS_BYTES) {
                    throw new ClassNotFoundException(className + ": its class file in " + source
                            + " is larger than " + MAX_CLASS_BYTES + " bytes");
                }
                definePackageOf(className, file, source);
            } catch (IOException | IllegalStateException e) {
                throw new ClassNotFoundException(className + ": cannot read it from " + source + ": " + e, e);
            }
            byte[] rewritten;
            try {
                rewritten = ExitCallRewriter.rewrite(bytes);
            } catch (RuntimeException malformed) {
                // what defineClass would have said of these bytes, with ASM's reason as the cause
                ClassFormatError error = new ClassFormatError(className + " in " + source
                        + " is not a class file ASM can read: " + malformed);
                error.initCause(malformed);
                throw error;
            }
            ProtectionDomain domain = domains.computeIfAbsent(source,
                    url -> new ProtectionDomain(new CodeSource(url, (CodeSigner[]) null), null, this, null));
            return defineClass(className, rewritten, 0, rewritten.length, domain);
        }
        throw new ClassNotFoundException(className);
    }

    private void definePackageOf(String className, JarFile file, URL source) throws IOException {
        int dot = className.lastIndexOf('.');
        if (dot < 0) {
            return;
        }
        String packageName = className.substring(0, dot);
        if (getDefinedPackage(packageName) != null) {
            return;
        }
        try {
            Manifest manifest = file.getManifest();
            if (manifest != null) {
                definePackage(packageName, manifest, source);
            } else {
                definePackage(packageName, null, null, null, null, null, null, null);
            }
        } catch (IllegalArgumentException definedMeanwhile) {
            // another thread defined the package first (the loader is parallel capable): it exists, as wanted
            if (getDefinedPackage(packageName) == null) {
                throw definedMeanwhile;
            }
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
        IOException failure = null;
        for (JarFile file : classJars) {
            try {
                file.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        try {
            super.close();
        } finally {
            deleteRecursively(workDir, null);
        }
        if (failure != null) {
            throw failure;
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

    private static void closeQuietly(JarFile file, Exception primary) {
        try {
            file.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
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
