package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swivel.testing.JarBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files the deploy code writes and the texts it keeps: never through a planted link, never
 * megabytes long; the nested-library limits reach the loader and name their flags.
 */
class BundleFilesTest {

    @TempDir
    Path tmp;

    private Path outsideEmpty() throws IOException {
        return Files.createDirectories(tmp.resolve("outside"));
    }

    private static long filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    @Test
    void aMarkerIsNeverWrittenThroughALinkAtItsOldTempNameOrAtItself() throws Exception {
        Path deploy = Files.createDirectories(tmp.resolve("deploy"));
        Path outside = outsideEmpty();
        Path jar = deploy.resolve("evil.jar");
        Files.createSymbolicLink(deploy.resolve(".evil.jar.failed.tmp"), outside.resolve("a"));
        Files.createSymbolicLink(deploy.resolve("evil.jar.failed"), outside.resolve("b"));

        Markers.failed(jar, new DeploymentException("it failed", null), "nothing");

        assertThat(filesIn(outside)).isZero();
        Path marker = deploy.resolve("evil.jar.failed");
        assertThat(Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.readString(marker)).startsWith("error: it failed\n");
        try (Stream<Path> files = Files.list(deploy)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no temporary file left").containsExactlyInAnyOrder("evil.jar.failed", ".evil.jar.failed.tmp");
        }
    }

    @Test
    void stateJsonIsNeverWrittenThroughALink() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path outside = outsideEmpty();
        Files.createSymbolicLink(data.resolve(".state.json.tmp"), outside.resolve("a"));
        Files.createSymbolicLink(data.resolve("state.json"), outside.resolve("b"));

        new StateFile(data).save(SavedState.empty());

        assertThat(filesIn(outside)).isZero();
        assertThat(Files.isRegularFile(data.resolve("state.json"), LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(new StateFile(data).load().bundles()).isEmpty();
    }

    @Test
    void aHugeErrorBecomesASmallMarkerWithItsFullLength() throws Exception {
        Path deploy = Files.createDirectories(tmp.resolve("deploy"));
        String huge = "y".repeat(4 * 1024 * 1024);
        RuntimeException cause = new IllegalStateException(huge);
        Markers.failed(deploy.resolve("big.jar"), new DeploymentException("big 1: " + huge, cause), "nothing");

        String marker = Files.readString(deploy.resolve("big.jar.failed"));
        assertThat(marker.length()).isLessThan(32 * 1024);
        assertThat(marker).contains("[truncated: 4194311 characters in all]")
                .contains("cause: java.lang.IllegalStateException: yyy");
    }

    @Test
    void aHugeManifestValueIsCutWhenTheManifestIsRead() throws Exception {
        Path jar = new JarBuilder().attribute("Swivel-Bundle", "z".repeat(4 * 1024 * 1024))
                .add("readme.txt", new byte[] {1}).write(tmp.resolve("huge.jar"));
        assertThatThrownBy(() -> BundleJars.stage(jar, tmp.resolve("history")))
                .isInstanceOfSatisfying(DeploymentException.class, e -> {
                    assertThat(e.failure()).isEqualTo(DeploymentException.Failure.BAD_JAR);
                    assertThat(e.getMessage().length()).isLessThan(1024);
                    assertThat(e.getMessage()).contains("[truncated: 4194304 characters in all]' is not allowed");
                });
    }

    @Test
    void theNestedLibraryLimitsOfTheSettingsFailTheJarNamingTheFlag() throws Exception {
        Path jar = tmp.resolve("libs.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry("lib/zeros.jar"));
            zip.write(new byte[4 * 1024 * 1024]);
            zip.closeEntry();
        }
        BundleLoader loader = new BundleLoader(new BundleLoader.Settings(tmp.resolve("history"), tmp.resolve("work"),
                tmp.resolve("deploy"), Duration.ofSeconds(5), 2, 16, 1024 * 1024, 1024 * 1024, 1000,
                io.swivel.protocol.kryo.BodyForm.DESCRIBED),
                BundleFilesTest.class.getClassLoader(), new io.swivel.classloader.LoaderLeakTracker());
        assertThatThrownBy(() -> loader.load(jar))
                .isInstanceOfSatisfying(DeploymentException.class, e -> {
                    assertThat(e.failure()).isEqualTo(DeploymentException.Failure.BAD_JAR);
                    assertThat(e.getMessage()).contains("lib/zeros.jar inflated past the limit of 1048576 bytes")
                            .contains("raise --max-lib-bytes");
                });
        try (Stream<Path> work = Files.list(tmp.resolve("work"))) {
            assertThat(work).as("nothing extracted is left").isEmpty();
        }
    }
}
