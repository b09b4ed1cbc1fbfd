package io.swivel.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkout's {@code ./swivel} launcher decides to build only when a source changed: run in a
 * copy of the checkout's layout with {@code java} and {@code mvn} stand-ins on the PATH that say
 * they ran, so the test sees whether the launcher built, without building anything.
 */
@Timeout(60)
class LauncherTest {

    private static final String VERSION = "0.1.0-SNAPSHOT";
    private static final Instant BUILT = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant LATER = BUILT.plusSeconds(60);

    @TempDir
    Path home;

    Path bin;

    @BeforeEach
    void layout() throws IOException {
        Path launcher = Path.of(System.getProperty("swivel.home", ".."), "swivel");
        Files.copy(launcher, home.resolve("swivel"), StandardCopyOption.COPY_ATTRIBUTES);
        Path jar = file("server-runtime/target/swivel-server-runtime-" + VERSION + ".jar", BUILT);
        Files.createDirectories(jar.resolveSibling("lib"));
        file("samples/greeter-v1/target/greeter-v1-" + VERSION + ".jar", BUILT);
        file("server-runtime/src/main/java/io/swivel/server/SwivelServer.java", BUILT.minusSeconds(60));
        file("server-runtime/pom.xml", BUILT.minusSeconds(60));
        bin = Files.createDirectories(home.resolve("stand-ins"));
        stand(bin.resolve("java"), "echo \"java ran: $*\"");
        stand(bin.resolve("mvn"), "echo \"[INFO] BUILD SUCCESS\"");
    }

    @Test
    void anUnchangedCheckoutRunsAtOnce() throws Exception {
        assertThat(swivel()).doesNotContain("swivel: building").contains("java ran: ").endsWith("io.swivel.server.cli.SwivelMain --version\n");
    }

    @Test
    void whatABuildWritesUnderTargetIsNotASourceChange() throws Exception {
        file("server-runtime/target/generated-sources/annotations/Generated.java", LATER);
        file("samples/greeter-v1/target/generated-test-sources/Gen.java", LATER);
        file("server-runtime/target/classes/META-INF/maven/pom.xml", LATER);
        file("starter/target/test-classes/projects/basic/project/demo/pom.xml", LATER);
        assertThat(swivel()).doesNotContain("swivel: building").contains("java ran: ");
    }

    @Test
    void aChangedSourceOrPomBuildsFirst() throws Exception {
        file("server-runtime/src/main/java/io/swivel/server/SwivelServer.java", LATER);
        assertThat(swivel()).contains("swivel: building").contains("BUILD SUCCESS").contains("java ran: ");
        assertThat(swivel()).as("the build marked the jar: built once").doesNotContain("swivel: building");

        Path jar = home.resolve("server-runtime/target/swivel-server-runtime-" + VERSION + ".jar");
        Files.setLastModifiedTime(jar, FileTime.from(BUILT));
        file("server-runtime/pom.xml", LATER);
        assertThat(swivel()).contains("swivel: building");
    }

    private String swivel() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", home.resolve("swivel").toString(), "--version")
                .directory(home.toFile()).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":/usr/bin:/bin");
        builder.environment().remove("SWIVEL_JAVA_OPTS");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private Path file(String relative, Instant modified) throws IOException {
        Path file = home.resolve(relative);
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.writeString(file, "");
        }
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    private static void stand(Path script, String body) throws IOException {
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
