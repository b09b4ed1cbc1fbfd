package io.swivel.bench.scaling;

import io.swivel.client.SwivelClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Bundles of their own for the scaling scenario, each with a service of its own (two bundles may
 * not serve one service): for bundle {@code gen-N}, the interface
 * {@code io.swivel.bench.gen.gN.Service} ({@code User getUser(long)}, {@code String version()})
 * and its {@code @RpcService} implementation answering with {@code UserSamples.user(id)}, the
 * benchmark's user-api nested as {@code lib/}, as the benchmark bundle has it. The sources are
 * compiled once with the JDK's compiler; the client loads the interfaces from the same classes.
 */
final class GeneratedBundles implements AutoCloseable {

    private static final String USER_API = "lib/swivel-benchmarks-user-api.jar";

    private final Path classes;
    private final byte[] userApi;
    private final URLClassLoader interfaces;

    private GeneratedBundles(Path classes, byte[] userApi) throws IOException {
        this.classes = classes;
        this.userApi = userApi;
        this.interfaces = new URLClassLoader(new URL[] {classes.toUri().toURL()}, GeneratedBundles.class.getClassLoader());
    }

    /**
     * Writes and compiles the services of bundles {@code gen-1} to {@code gen-count}.
     *
     * @param dir a directory of its own for sources and classes
     * @param count how many services
     * @param benchBundle the benchmark bundle, whose nested user-api each bundle carries too
     * @return the compiled bundles
     * @throws IOException if a file cannot be written or the compiler fails
     */
    static GeneratedBundles compile(Path dir, int count, Path benchBundle) throws IOException {
        Path sources = dir.resolve("src");
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        List<String> files = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            Path pkg = Files.createDirectories(sources.resolve("io/swivel/bench/gen/g" + i));
            String header = "package io.swivel.bench.gen.g" + i + ";\n\n";
            Files.writeString(pkg.resolve("Service.java"), header
                    + "public interface Service {\n"
                    + "    io.swivel.bench.user.User getUser(long id);\n"
                    + "    String version();\n"
                    + "}\n");
            Files.writeString(pkg.resolve("ServiceImpl.java"), header
                    + "@io.swivel.api.RpcService(Service.class)\n"
                    + "public final class ServiceImpl implements Service {\n"
                    + "    private final String version;\n"
                    + "    public ServiceImpl(io.swivel.api.BundleContext context) { this.version = context.bundleVersion(); }\n"
                    + "    @Override public io.swivel.bench.user.User getUser(long id) { return io.swivel.bench.user.UserSamples.user(id); }\n"
                    + "    @Override public String version() { return version; }\n"
                    + "}\n");
            files.add(pkg.resolve("Service.java").toString());
            files.add(pkg.resolve("ServiceImpl.java").toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IOException("this Java runtime has no compiler (javax.tools); run the harness on a JDK");
        }
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path"), "-proc:none", "--release", "17", "-nowarn"));
        args.addAll(files);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = javac.run(null, null, err, args.toArray(String[]::new));
        if (status != 0) {
            throw new IOException("compiling the generated bundles failed:\n" + err.toString(StandardCharsets.UTF_8));
        }
        byte[] userApi;
        try (JarFile bench = new JarFile(benchBundle.toFile())) {
            JarEntry entry = bench.getJarEntry(USER_API);
            if (entry == null) {
                throw new IOException(benchBundle + " has no " + USER_API);
            }
            userApi = bench.getInputStream(entry).readAllBytes();
        }
        return new GeneratedBundles(classes, userApi);
    }

    /**
     * @param i the bundle's number
     * @return its name, {@code gen-i}
     */
    static String name(int i) {
        return "gen-" + i;
    }

    /**
     * Writes bundle {@code gen-i}'s jar.
     *
     * @param i the bundle's number
     * @param version its {@code Swivel-Version}
     * @param out where
     * @return {@code out}
     * @throws IOException if it cannot be written
     */
    Path jar(int i, String version, Path out) throws IOException {
        return jar(i, version, out, 0, 0);
    }

    /**
     * Writes bundle {@code gen-i}'s jar with further nested libraries of incompressible bytes
     * (seeded, so every run writes the same jar), for the large-bundle row.
     *
     * @param i the bundle's number
     * @param version its {@code Swivel-Version}
     * @param out where
     * @param libs how many further {@code lib/*.jar}
     * @param libBytes the bytes of the one resource in each
     * @return {@code out}
     * @throws IOException if it cannot be written
     */
    Path jar(int i, String version, Path out, int libs, int libBytes) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(new Attributes.Name("Swivel-Bundle"), name(i));
        main.put(new Attributes.Name("Swivel-Version"), version);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Path pkg = classes.resolve("io/swivel/bench/gen/g" + i);
        try (OutputStream file = Files.newOutputStream(out); JarOutputStream jar = new JarOutputStream(file, manifest);
             Stream<Path> classFiles = Files.list(pkg)) {
            for (Path classFile : classFiles.sorted().toList()) {
                entry(jar, classes.relativize(classFile).toString().replace('\\', '/'), Files.readAllBytes(classFile));
            }
            entry(jar, USER_API, userApi);
            Random random = new Random(i);
            for (int lib = 1; lib <= libs; lib++) {
                byte[] data = new byte[libBytes];
                random.nextBytes(data);
                entry(jar, "lib/data-" + lib + ".jar", nestedJar("data/" + lib + ".bin", data));
            }
        }
        return out;
    }

    private static byte[] nestedJar(String name, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(data.length + 1024);
        try (JarOutputStream jar = new JarOutputStream(bytes)) {
            entry(jar, name, data);
        }
        return bytes.toByteArray();
    }

    private static void entry(JarOutputStream jar, String name, byte[] data) throws IOException {
        jar.putNextEntry(new JarEntry(name));
        jar.write(data);
        jar.closeEntry();
    }

    /**
     * How to ask bundle {@code gen-i} which version answers, through a proxy of its interface.
     *
     * @param client a client of the server
     * @param i the bundle's number
     * @return calls {@code version()} on each use
     */
    Supplier<String> version(SwivelClient client, int i) {
        Object proxy;
        Method version;
        try {
            Class<?> service = interfaces.loadClass("io.swivel.bench.gen.g" + i + ".Service");
            proxy = client.proxy(service);
            version = service.getMethod("version");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated service " + i + " is missing: " + e, e);
        }
        return () -> {
            try {
                return (String) version.invoke(proxy);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @Override
    public void close() {
        try {
            interfaces.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the generated services' loader", e);
        }
    }
}
