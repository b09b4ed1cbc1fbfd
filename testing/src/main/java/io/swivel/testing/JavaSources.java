package io.swivel.testing;

import java.io.File;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles Java sources inside a test, so that tests can build two versions of one class, or
 * classes that the test's own classpath must not see.
 */
public final class JavaSources {

    private JavaSources() {
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * Compiles sources into a directory.
     *
     * @param outputDir where the class files go (created)
     * @param sources source text by binary class name, e.g. {@code "com.example.Dto"}
     * @param classpath extra classpath entries; the test's own classpath is always included
     * @return {@code outputDir}
     */
    public static Path compile(Path outputDir, Map<String, String> sources, List<Path> classpath) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler: run the tests on a JDK, not a JRE");
        }
        try {
            Path sourceDir = Files.createTempDirectory("swivel-src");
            Files.createDirectories(outputDir);
            List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:none", "-d", outputDir.toString(),
                    "-cp", classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator,
                            "", File.pathSeparator + System.getProperty("java.class.path")))));
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = sourceDir.resolve(source.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, source.getValue());
                args.add(file.toString());
            }
            ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
            int status;
            try {
                status = compiler.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
            } finally {
                deleteTree(sourceDir);
            }
            if (status != 0) {
                throw new IllegalStateException("compilation failed (" + status + "): " + diagnostics);
            }
            return outputDir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
