package io.swivel.archetype;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.bundletest.DeployedBundle;
import io.swivel.bundletest.SwivelTestServer;
import io.swivel.server.cli.SwivelMain;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs after the archetype plugin's integration test has generated src/test/resources/projects/basic from this
 * archetype and built it offline with `mvn verify` against this reactor's artifacts: checks the bundle jar it
 * made, that its own GreeterIT ran and passed, then deploys the jar into a server of this build and calls it; and `swivel new bundle` writes the same project.
 */
@Timeout(60)
class GeneratedBundleIT {

    static final Path PROJECT = Path.of(System.getProperty("swivel.generated.projects", "target/it-projects"),
            "basic", "project", "hello-bundle");
    static final Path JAR = PROJECT.resolve("target/hello-bundle-1.0.0-SNAPSHOT.jar");

    @Test
    void theGeneratedProjectHoldsTheStarterFiles() {
        String sources = "src/main/java/com/example/hello/";
        assertThat(PROJECT.resolve("pom.xml")).content()
                .contains("<artifactId>swivel-bundle-parent</artifactId>")
                .contains("<groupId>com.example</groupId>")
                .contains("<artifactId>hello-bundle</artifactId>");
        assertThat(PROJECT.resolve(sources + "Greeter.java")).content().startsWith("package com.example.hello;");
        assertThat(PROJECT.resolve(sources + "GreeterService.java")).content().contains("@RpcService(Greeter.class)");
        assertThat(PROJECT.resolve(sources + "GreeterActivator.java")).content().contains("setHealthCheck");
        assertThat(PROJECT.resolve("src/main/resources/swivel-bundle.properties")).content().contains("greeting=Hello");
        assertThat(PROJECT.resolve("src/test/java/com/example/hello/GreeterIT.java")).exists();
        assertThat(PROJECT.resolve("README.md")).content().contains("hello-bundle.properties");
    }

    @Test
    void itsOwnTestDeployedTheBuiltJarIntoARealServerAndPassed() throws IOException {
        Path report = PROJECT.resolve("target/failsafe-reports/TEST-com.example.hello.GreeterIT.xml");

        assertThat(report).exists();
        String head = Files.readString(report);
        assertThat(head).contains("tests=\"2\"").contains("failures=\"0\"").contains("errors=\"0\"")
                .contains("skipped=\"0\"");
    }

    @Test
    void theJarIsABundleForJava17WithoutWhatTheServerProvides() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            Attributes manifest = jar.getManifest().getMainAttributes();
            assertThat(manifest.getValue("Swivel-Bundle")).isEqualTo("hello-bundle");
            assertThat(manifest.getValue("Swivel-Version")).isEqualTo("1.0.0-SNAPSHOT");
            assertThat(manifest.getValue("Swivel-Dispatch")).isEqualTo("pool");

            List<String> names = jar.stream().map(JarEntry::getName).collect(Collectors.toList());
            assertThat(names).contains("com/example/hello/Greeter.class", "com/example/hello/GreeterService.class",
                    "com/example/hello/GreeterActivator.class", "swivel-bundle.properties");
            assertThat(names).noneMatch(name -> name.startsWith("io/swivel/"));
            assertThat(names).filteredOn(name -> name.startsWith("lib/")).as("a bundle without libraries")
                    .allMatch(name -> name.equals("lib/"));
            assertThat(names).noneMatch(name -> name.contains("GreeterIT"));
            assertThat(classFileMajorVersion(jar, "com/example/hello/GreeterService.class")).isEqualTo(61);
        }
    }

    @Test
    void theJarDeploysIntoAServerOfThisBuildAndAnswersATypedCall() throws Exception {
        try (SwivelTestServer server = SwivelTestServer.start();
                URLClassLoader api = new URLClassLoader(new URL[] {JAR.toUri().toURL()},
                        GeneratedBundleIT.class.getClassLoader())) {
            DeployedBundle deployed = server.deploy(JAR);
            assertThat(deployed.name()).isEqualTo("hello-bundle");
            assertThat(deployed.version()).isEqualTo("1.0.0-SNAPSHOT");

            Class<?> greeterType = api.loadClass("com.example.hello.Greeter");
            Object greeter = server.proxy(greeterType);
            Method greet = greeterType.getMethod("greet", String.class);

            assertThat(greet.invoke(greeter, "Ada")).isEqualTo("Hello, Ada");
        }
    }

    @Test
    void theParentNestsRuntimeLibrariesUnderLibAndLeavesOutWhatTheServerProvides() throws Exception {
        Path jarPath = Path.of(System.getProperty("swivel.invoker.projects", "target/it-invoker"),
                "bundle-with-library", "target", "bundle-with-library-2.0.0.jar");
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Swivel-Bundle")).isEqualTo("library-demo");
            assertThat(jar.getManifest().getMainAttributes().getValue("Swivel-Version")).isEqualTo("2.0.0");
            List<String> libs = jar.stream().map(JarEntry::getName).filter(name -> name.startsWith("lib/"))
                    .filter(name -> !name.equals("lib/")).sorted().collect(Collectors.toList());
            assertThat(libs).as("logback-classic and what it brings, but not slf4j-api nor the test-scoped server")
                    .hasSize(2).anyMatch(name -> name.startsWith("lib/logback-classic-"))
                    .anyMatch(name -> name.startsWith("lib/logback-core-"));
        }
        try (SwivelTestServer server = SwivelTestServer.start();
                URLClassLoader api = new URLClassLoader(new URL[] {jarPath.toUri().toURL()},
                        GeneratedBundleIT.class.getClassLoader())) {
            server.deploy(jarPath);
            Class<?> clockType = api.loadClass("com.example.lib.Clock");

            Object answer = clockType.getMethod("loggerContext").invoke(server.proxy(clockType));

            assertThat(answer).isEqualTo("ch.qos.logback.classic.LoggerContext");
        }
    }

    @Test
    void swivelNewBundleWritesTheSameProjectWithoutMaven(@TempDir Path dir) throws IOException {
        Path created = dir.resolve("hello-bundle");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int status = SwivelMain.run(new PrintWriter(out, true), new PrintWriter(err, true), "new", "bundle",
                "hello-bundle", "--package", "com.example.hello", "--group-id", "com.example", "--dir", created.toString());

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).contains("built against Swivel " + System.getProperty("swivel.version"));
        List<Path> sources = sourceFiles(PROJECT);
        assertThat(sourceFiles(created)).containsExactlyElementsOf(sources);
        for (Path file : sources) {
            assertThat(created.resolve(file)).as(file.toString()).hasSameTextualContentAs(PROJECT.resolve(file));
        }
    }

    /** The project's files without what building it left (target/, the invoker's build.log), sorted. */
    private static List<Path> sourceFiles(Path project) throws IOException {
        try (Stream<Path> files = Files.walk(project)) {
            return files.filter(Files::isRegularFile).map(project::relativize)
                    .filter(file -> !file.startsWith("target") && !file.toString().equals("build.log"))
                    .sorted().collect(Collectors.toList());
        }
    }

    private static int classFileMajorVersion(JarFile jar, String entry) throws IOException {
        try (InputStream in = jar.getInputStream(jar.getJarEntry(entry))) {
            DataInputStream data = new DataInputStream(in);
            assertThat(data.readInt()).isEqualTo(0xCAFEBABE);
            data.readUnsignedShort();
            return data.readUnsignedShort();
        }
    }
}
