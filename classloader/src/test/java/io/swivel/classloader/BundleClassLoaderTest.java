package io.swivel.classloader;

import static io.swivel.classloader.Bundles.children;
import static io.swivel.classloader.Bundles.compile;
import static io.swivel.classloader.Bundles.filesUnder;
import static io.swivel.classloader.Bundles.invokeStatic;
import static io.swivel.classloader.Bundles.openFilesUnder;
import static io.swivel.classloader.Bundles.probeJar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swivel.api.RpcService;
import io.swivel.classloader.fixture.Dup;
import io.swivel.testing.JarBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

class BundleClassLoaderTest {

    private static final ClassLoader TEST_LOADER = BundleClassLoaderTest.class.getClassLoader();

    @TempDir
    Path tmp;

    private BundleClassLoader open(String name, Path jar) throws IOException {
        return BundleClassLoader.open(name, jar, TEST_LOADER, tmp.resolve("work"));
    }

    @Test
    void bundleDoesNotSeeTheServersLibraries() throws Throwable {
        try (BundleClassLoader loader = open("b@1", probeJar(tmp, "probe"))) {
            Class<?> probe = loader.loadClass("b.Probe");
            for (String serverClass : List.of("io.netty.channel.Channel", "com.esotericsoftware.kryo.Kryo",
                    BundleClassLoader.class.getName())) {
                // Control: the test's own loader has it, so a failure below is isolation, not absence.
                assertThat(Class.forName(serverClass, false, TEST_LOADER)).isNotNull();
                assertThatThrownBy(() -> loader.loadClass(serverClass))
                        .isInstanceOf(ClassNotFoundException.class);
                assertThatThrownBy(() -> invokeStatic(probe, "load", serverClass))
                        .as("Class.forName(%s) inside the bundle", serverClass)
                        .isInstanceOf(ClassNotFoundException.class);
            }
            assertThatThrownBy(() -> loader.loadClass("io.swivel.server.SwivelServer"))
                    .isInstanceOf(ClassNotFoundException.class);
            assertThatThrownBy(() -> invokeStatic(probe, "load", "io.swivel.server.SwivelServer"))
                    .isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void bundleSharesTheApiAndSlf4jAndTheJdk() throws Throwable {
        try (BundleClassLoader loader = open("b@1", probeJar(tmp, "probe"))) {
            Class<?> probe = loader.loadClass("b.Probe");

            assertThat(probe.getClassLoader()).isSameAs(loader);
            assertThat(invokeStatic(probe, "hello")).isEqualTo("hello from b@1");
            assertThat(loader.jar()).isEqualTo(tmp.resolve("probe.jar"));

            assertThat(loader.loadClass("io.swivel.api.RpcService")).isSameAs(RpcService.class);
            assertThat(invokeStatic(probe, "load", "io.swivel.api.RpcService")).isSameAs(RpcService.class);
            assertThat(loader.loadClass("org.slf4j.Logger")).isSameAs(Logger.class);
            assertThat(invokeStatic(probe, "load", "org.slf4j.Logger")).isSameAs(Logger.class);

            assertThat(invokeStatic(probe, "load", "java.util.List")).isSameAs(List.class);
            // A platform module outside java.base (java.sql) is there too.
            assertThat(invokeStatic(probe, "load", "java.sql.Connection")).isSameAs(java.sql.Connection.class);
        }
    }

    @Test
    void resourcesAreIsolatedLikeClasses() throws IOException {
        try (BundleClassLoader loader = open("b@1", probeJar(tmp, "probe"))) {
            try (InputStream in = loader.getResourceAsStream("b/data.txt")) {
                assertThat(in).isNotNull();
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("probe data");
            }
            String nettyResource = "io/netty/channel/Channel.class";
            assertThat(TEST_LOADER.getResource(nettyResource)).isNotNull();
            assertThat(loader.getResource(nettyResource)).isNull();
            assertThat(Collections.list(loader.getResources(nettyResource))).isEmpty();

            String sharedResource = "org/slf4j/Logger.class";
            assertThat(loader.getResource(sharedResource)).isEqualTo(TEST_LOADER.getResource(sharedResource));
            assertThat(Collections.list(loader.getResources("b/data.txt"))).hasSize(1);
        }
    }

    @Test
    void bundleClassesWinOverTheSharedLoadersClassesOfTheSameName() throws Throwable {
        Path classes = compile(tmp.resolve("dup-classes"), Map.of(Dup.class.getName(), """
                package io.swivel.classloader.fixture;

                public final class Dup {
                    public static String origin() {
                        return "bundle";
                    }
                }
                """));
        Path jar = new JarBuilder().addTree(classes).write(tmp.resolve("dup.jar"));
        assertThat(Dup.origin()).isEqualTo("test");

        try (BundleClassLoader loader = open("dup@1", jar)) {
            Class<?> dup = loader.loadClass(Dup.class.getName());

            assertThat(dup).isNotSameAs(Dup.class);
            assertThat(dup.getClassLoader()).isSameAs(loader);
            assertThat(invokeStatic(dup, "origin")).isEqualTo("bundle");
        }
    }

    @Test
    void eachBundleSeesItsOwnVersionOfANestedLibrary() throws Throwable {
        Path v1 = libraryJar("1");
        Path v2 = libraryJar("2");
        Path app = compile(tmp.resolve("app-classes"), Map.of("app.Main", """
                package app;

                public final class Main {
                    public static String libVersion() {
                        return util.Lib.version();
                    }
                }
                """), tmp.resolve("util-1-classes"));
        Path bundle1 = new JarBuilder().addTree(app).add("lib/util.jar", v1).write(tmp.resolve("one.jar"));
        Path bundle2 = new JarBuilder().addTree(app).add("lib/util.jar", v2).write(tmp.resolve("two.jar"));
        Path work = tmp.resolve("work");

        BundleClassLoader one = open("one@1", bundle1);
        BundleClassLoader two = open("two@1", bundle2);
        try {
            assertThat(invokeStatic(one.loadClass("app.Main"), "libVersion")).isEqualTo("1");
            assertThat(invokeStatic(two.loadClass("app.Main"), "libVersion")).isEqualTo("2");

            Class<?> lib1 = one.loadClass("util.Lib");
            Class<?> lib2 = two.loadClass("util.Lib");
            assertThat(lib1).isNotSameAs(lib2);
            assertThat(lib1.getClassLoader()).isSameAs(one);
            assertThat(lib2.getClassLoader()).isSameAs(two);

            List<Path> extracted = filesUnder(work);
            assertThat(extracted).hasSize(2).allSatisfy(file -> {
                assertThat(file.getFileName()).hasToString("util.jar");
                assertThat(file.getParent().getParent()).isEqualTo(work);
            });
            assertThat(extracted.stream().map(Path::getParent).distinct()).hasSize(2);
        } finally {
            one.close();
        }
        assertThat(filesUnder(work)).hasSize(1);
        two.close();
        assertThat(children(work)).isEmpty();
    }

    @Test
    void nestedJarsOutsideLibAreNotExtracted() throws IOException {
        Path bundle = new JarBuilder()
                .add("lib/../../escaped.jar", "x".getBytes(StandardCharsets.UTF_8))
                .add("lib/sub/deeper.jar", "x".getBytes(StandardCharsets.UTF_8))
                .add("lib/notes.txt", "x".getBytes(StandardCharsets.UTF_8))
                .add("lib/ok.jar", "x".getBytes(StandardCharsets.UTF_8))
                .write(tmp.resolve("odd.jar"));

        try (BundleClassLoader loader = open("odd@1", bundle)) {
            assertThat(loader.jar()).isEqualTo(bundle);
            assertThat(filesUnder(tmp.resolve("work"))).map(p -> p.getFileName().toString())
                    .containsExactly("ok.jar");
            assertThat(filesUnder(tmp)).map(p -> p.getFileName().toString()).doesNotContain("escaped.jar");
        }
    }

    @Test
    void closeReleasesEveryJarAndDeletesTheWorkDirectory() throws Throwable {
        Path lib = libraryJar("1");
        Path probeClasses = tmp.resolve("probe-classes");
        compile(probeClasses, Map.of("b.Probe", Bundles.PROBE));
        Path jar = new JarBuilder().addTree(probeClasses).add("lib/util.jar", lib)
                .add("b/data.txt", "probe data".getBytes(StandardCharsets.UTF_8))
                .write(tmp.resolve("closing.jar"));
        Path work = tmp.resolve("work");

        BundleClassLoader loader = open("closing@1", jar);
        assertThat(invokeStatic(loader.loadClass("b.Probe"), "hello")).isEqualTo("hello from closing@1");
        assertThat(invokeStatic(loader.loadClass("util.Lib"), "version")).isEqualTo("1");
        try (InputStream in = loader.getResourceAsStream("b/data.txt")) {
            assertThat(in.readAllBytes()).hasSize("probe data".length());
        }
        boolean procFs = Files.isDirectory(Path.of("/proc/self/fd"));
        if (procFs) {
            // Control: while open, the loader holds the bundle jar (and the extracted library).
            assertThat(openFilesUnder(tmp)).contains(jar.toRealPath());
        }

        loader.close();
        loader.close(); // idempotent

        if (procFs) {
            assertThat(openFilesUnder(tmp)).isEmpty();
        }
        assertThat(children(work)).isEmpty();
        Files.delete(jar);
        assertThat(jar).doesNotExist();
        assertThatThrownBy(() -> loader.loadClass("util.Lib2")).isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void aJarThatCannotBeReadLeavesNoWorkDirectoryBehind() throws IOException {
        Path broken = Files.writeString(tmp.resolve("broken.jar"), "not a zip file");

        assertThatThrownBy(() -> open("broken@1", broken)).isInstanceOf(IOException.class);
        assertThat(children(tmp.resolve("work"))).isEmpty();
    }

    private Path libraryJar(String version) {
        Path classes = compile(tmp.resolve("util-" + version + "-classes"), Map.of("util.Lib", """
                package util;

                public final class Lib {
                    public static String version() {
                        return "%s";
                    }
                }
                """.formatted(version)));
        return new JarBuilder().addTree(classes).write(tmp.resolve("util-" + version + ".jar"));
    }
}
