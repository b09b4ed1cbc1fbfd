package io.swivel.server.internal.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Finds candidate service and activator classes in a bundle jar by reading class files as
 * bytes, without loading them: a class annotated with {@code @RpcService} names the
 * annotation's descriptor in its constant pool, and an activator names the interface.
 * Candidates are confirmed after loading.
 */
final class ClassScanner {

    private static final byte[] RPC_SERVICE = "Lio/swivel/api/RpcService;".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ACTIVATOR = "io/swivel/api/BundleActivator".getBytes(StandardCharsets.UTF_8);
    private static final long MAX_CLASS_BYTES = 8L * 1024 * 1024;

    /**
     * What the scan found.
     *
     * @param serviceCandidates classes that mention {@code @RpcService}
     * @param activatorCandidates classes that mention {@code BundleActivator}
     */
    record Result(List<String> serviceCandidates, List<String> activatorCandidates) {
    }

    private ClassScanner() {
    }

    static Result scan(Path jar) throws IOException {
        List<String> services = new ArrayList<>();
        List<String> activators = new ArrayList<>();
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            for (JarEntry entry : Collections.list(jarFile.entries())) {
                String name = entry.getName();
                if (entry.isDirectory() || !name.endsWith(".class") || name.startsWith("lib/")
                        || name.startsWith("META-INF/") || name.endsWith("module-info.class")
                        || name.endsWith("package-info.class")) {
                    continue;
                }
                if (entry.getSize() > MAX_CLASS_BYTES) {
                    throw new IOException(name + " is " + entry.getSize() + " bytes, larger than any class file should be");
                }
                byte[] bytes;
                try (InputStream in = jarFile.getInputStream(entry)) {
                    bytes = in.readNBytes((int) MAX_CLASS_BYTES);
                }
                String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
                if (contains(bytes, RPC_SERVICE)) {
                    services.add(className);
                }
                if (contains(bytes, ACTIVATOR)) {
                    activators.add(className);
                }
            }
        }
        Collections.sort(services);
        Collections.sort(activators);
        return new Result(services, activators);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0, last = haystack.length - needle.length; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
