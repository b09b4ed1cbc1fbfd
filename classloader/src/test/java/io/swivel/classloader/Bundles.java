package io.swivel.classloader;

import io.swivel.testing.JarBuilder;
import io.swivel.testing.JavaSources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Builds bundle jars inside a test and inspects what a loader left on disk. */
final class Bundles {

    /** A bundle class whose static methods resolve names through the bundle's own loader. */
    static final String PROBE = """
            package b;

            public final class Probe {
                private Probe() {
                }

                public static Class<?> load(String name) throws ClassNotFoundException {
                    return Class.forName(name);
                }

                public static String hello() {
                    return "hello from " + Probe.class.getClassLoader().getName();
                }
            }
            """;

    private Bundles() {
    }

    static Path compile(Path dir, Map<String, String> sources, Path... classpath) {
        return JavaSources.compile(dir, sources, List.of(classpath));
    }

    /** A bundle jar with {@code b.Probe} and the resource {@code b/data.txt}. */
    static Path probeJar(Path tmp, String name) {
        Path classes = compile(tmp.resolve(name + "-classes"), Map.of("b.Probe", PROBE));
        return new JarBuilder().bundle("b", "1").addTree(classes)
                .add("b/data.txt", "probe data".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .write(tmp.resolve(name + ".jar"));
    }

    /** Calls a public static method and unwraps what it threw. */
    static Object invokeStatic(Class<?> type, String method, Object... args) throws Throwable {
        Class<?>[] types = new Class<?>[args.length];
        for (int i = 0; i < args.length; i++) {
            types[i] = args[i].getClass();
        }
        try {
            return type.getMethod(method, types).invoke(null, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Every regular file under a directory (empty if it does not exist). */
    static List<Path> filesUnder(Path dir) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entries directly inside a directory (empty if it does not exist). */
    static List<Path> children(Path dir) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The files under {@code dir} that this process holds open, read from {@code /proc/self/fd}.
     * On Linux a deleted file can still be open, so this is what proves a jar was released.
     */
    static List<Path> openFilesUnder(Path dir) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        Path root = dir.toRealPath();
        List<Path> open = new ArrayList<>();
        try (Stream<Path> entries = Files.list(fds)) {
            for (Path fd : entries.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString().replace(" (deleted)", "");
                    if (target.startsWith(root.toString())) {
                        open.add(Path.of(target));
                    }
                } catch (IOException | UnsupportedOperationException gone) {
                    // the descriptor was closed while listing (or is not a link): not ours
                }
            }
        }
        return open;
    }
}
